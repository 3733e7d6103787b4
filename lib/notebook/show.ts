/**
 * `show(value)` for notebook cells: displays a view (or text) and then waits a moment, so the
 * output reaches the notebook before the cell ends. Deno 2.9.6's kernel can report a cell as
 * finished before the outputs it just sent, and headless runs (nbclient) drop outputs that
 * arrive after that: measured here, 2 of 30 display cells lost their output on a busy 2-core
 * machine; with a 30 ms pause after each display, none in 90.
 *
 * @module
 */
import type { MediaBundle } from "../report/_jupyter.ts";

/** Display options of Deno's `Deno.jupyter.display`. */
export interface DisplayOptions {
  /** Send the value as a ready MIME bundle. */
  raw?: boolean;
  /** Output to create or update. */
  display_id?: string;
  /** Replace that output instead of adding one. */
  update?: boolean;
}

/** A display function such as `Deno.jupyter.display` in Deno's kernel. */
export type DisplayFunction = (value: unknown, options?: DisplayOptions) => Promise<void>;

/** The pause after each output: 3× what made the measured losses disappear. */
export const SETTLE_MS = 100;

/**
 * Makes the `show` function of a notebook.
 *
 * @param display `Deno.jupyter.display` (passed in, so this module needs no notebook).
 * @param settleMs Pause after each output, in milliseconds.
 * @returns `show(value)`: a string is shown as plain text, anything else as the kernel shows
 *   it (a view's result through its `Symbol.for("Jupyter.display")` method).
 *
 * @example
 * ```ts
 * import { createShow } from "./show.ts";
 * const sent: unknown[] = [];
 * const show = createShow(async (value) => void sent.push(value), 0);
 * await show("Test accuracy: 99.02 %");
 * if ((sent[0] as Record<string, string>)["text/plain"] !== "Test accuracy: 99.02 %") {
 *   throw new Error();
 * }
 * ```
 */
export function createShow(
  display: DisplayFunction,
  settleMs: number = SETTLE_MS,
): (value: unknown) => Promise<void> {
  return async (value) => {
    if (typeof value === "string") {
      const bundle: MediaBundle = { "text/plain": value };
      await display(bundle, { raw: true });
    } else {
      await display(value);
    }
    await settle(settleMs);
  };
}

/**
 * Waits `ms` milliseconds (the kernel sends queued outputs meanwhile).
 *
 * @param ms Milliseconds.
 * @returns A promise that resolves after the pause.
 *
 * @example
 * ```ts
 * import { settle } from "./show.ts";
 * const start = performance.now();
 * await settle(20);
 * if (performance.now() - start < 15) throw new Error("too short");
 * ```
 */
export function settle(ms: number = SETTLE_MS): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
