/** Model folders for the reliability tests: a valid save, then edited the way the test needs. */
import assert from "node:assert/strict";
import { ModelFileError } from "../../lib/errors.ts";
import type { ModelMetadata } from "../../lib/models/metadata.ts";

/** Valid metadata for an architecture. */
export function metadataFor(arch: string, epochsCompleted = 1): ModelMetadata {
  return {
    format: 1,
    arch,
    recipe: { optimizer: "adam", learningRate: 0.001, batchSize: 8, epochs: 3 },
    trainCount: 8,
    validation: 0,
    datasetSha256: {},
    epochsCompleted,
    history: [],
    backend: "cpu",
    date: "2026-11-28T00:00:00.000Z",
  };
}

/** Rewrites a JSON file of a folder through `edit`. */
// deno-lint-ignore no-explicit-any
export async function editJson(path: string, edit: (json: any) => unknown): Promise<void> {
  const json = JSON.parse(await Deno.readTextFile(path));
  const result = edit(json);
  await Deno.writeTextFile(path, JSON.stringify(result === undefined ? json : result));
}

/** The file names in a folder, sorted. */
export function listDir(dir: string): string[] {
  return [...Deno.readDirSync(dir)].map((e) => e.name).sort();
}

/** Asserts that `promise` rejects with a one-line ModelFileError matching `message`. */
export async function assertModelError(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof ModelFileError, String(e));
    assert.match(e.message, message);
    assert.doesNotMatch(e.message, /\n/);
    return true;
  });
}

/** Runs `_save_loop.ts` in another process: saves `arch` into `dir` `count` times. */
export function saveLoop(dir: string, arch: string, count: number): Promise<Deno.CommandOutput> {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      new URL("./_save_loop.ts", import.meta.url).pathname,
      dir,
      arch,
      String(count),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
}
