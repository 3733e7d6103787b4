/**
 * One line per data event worth telling the user: each file that was rejected (and why),
 * the source used instead, and a cache that could not be written. Silence when the data
 * came from the first place it was looked for.
 *
 * @module
 */
import type { DataEvent } from "../data/fetch_mnist.ts";

/**
 * Renders a data event for stderr, or `undefined` when it is routine (trying a source, a
 * source that simply lacks the file, a file verified at the first try, a cache write).
 *
 * @param event An event from `loadMnist` / `fetchMnist`'s `onEvent`.
 * @returns The line (no newline), or `undefined`.
 *
 * @example
 * ```ts
 * import { describeDataEvent } from "./data_events.ts";
 * import assert from "node:assert/strict";
 * const file = "train-labels-idx1-ubyte";
 * assert.equal(
 *   describeDataEvent({ kind: "failed", file, source: "cache data/mnist", reason: "wrong size" }),
 *   "train-labels-idx1-ubyte: rejected cache data/mnist: wrong size",
 * );
 * assert.equal(describeDataEvent({ kind: "trying", file, source: "cache data/mnist" }), undefined);
 * ```
 */
export function describeDataEvent(event: DataEvent): string | undefined {
  switch (event.kind) {
    case "failed":
      return event.missing ? undefined : `${event.file}: rejected ${event.source}: ${event.reason}`;
    case "verified":
      return event.rejected.length > 0 ? `${event.file}: using ${event.source} instead` : undefined;
    case "cache-failed":
      return `${event.file}: not cached in ${event.path}: ${event.reason}`;
    default:
      return undefined;
  }
}

/**
 * The events `--json` output should list: every rejection, with file, source and reason.
 *
 * @param events Every event of a load.
 * @returns The rejections, in order.
 *
 * @example
 * ```ts
 * import { rejectedFiles } from "./data_events.ts";
 * const rejected = rejectedFiles([{ kind: "failed", file: "a", source: "s", reason: "r" }]);
 * if (rejected[0]?.reason !== "r") throw new Error();
 * ```
 */
export function rejectedFiles(
  events: readonly DataEvent[],
): { file: string; source: string; reason: string }[] {
  return events.flatMap((e) =>
    e.kind === "failed" && !e.missing ? [{ file: e.file, source: e.source, reason: e.reason }] : []
  );
}

/** What {@linkcode dataEventLog} gives a task. */
export interface DataEventLog {
  /** Pass as `onEvent` to `loadMnist` / `fetchMnist`. */
  onEvent(event: DataEvent): void;
  /** Every rejection so far, for `--json` output. */
  readonly rejected: { file: string; source: string; reason: string }[];
}

/**
 * Writes each event worth telling (see {@linkcode describeDataEvent}) as a line, and keeps the
 * rejections for `--json`.
 *
 * @param write Where lines go (stderr in the tasks, so stdout stays for `--json`).
 * @returns The `onEvent` callback and the rejections.
 *
 * @example
 * ```ts
 * import { dataEventLog } from "./data_events.ts";
 * const lines: string[] = [];
 * const log = dataEventLog((line) => lines.push(line));
 * log.onEvent({ kind: "failed", file: "a", source: "cache data/mnist", reason: "wrong size" });
 * if (lines.length !== 1 || log.rejected.length !== 1) throw new Error();
 * ```
 */
export function dataEventLog(write: (line: string) => void): DataEventLog {
  const events: DataEvent[] = [];
  return {
    onEvent(event) {
      events.push(event);
      const line = describeDataEvent(event);
      if (line !== undefined) write(line);
    },
    get rejected() {
      return rejectedFiles(events);
    },
  };
}

/**
 * The data log of a task: each event worth telling goes to stderr (stdout stays free for
 * `--json`), and the rejections are kept for `--json`.
 *
 * @returns The log; pass `log.onEvent` as the library's `onEvent` / `onDataEvent`.
 */
export function stderrDataLog(): DataEventLog {
  return dataEventLog((line) => console.error(line));
}
