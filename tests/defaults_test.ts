/**
 * Every default in one place: `defaultTrainConfig()` holds it, and no library or task file
 * writes the value again as a fallback.
 */
import assert from "node:assert/strict";
import { defaultTrainConfig } from "../lib/defaults.ts";
import { codeOf, sourceFiles } from "./_source_files.ts";

/** Files of lib/ and tasks/ (defaults.ts aside) whose code, comments removed, matches `pattern`. */
function writtenOutsideDefaults(pattern: RegExp): string[] {
  return [...sourceFiles("lib"), ...sourceFiles("tasks")]
    .filter((file) => file !== "lib/defaults.ts")
    .filter((file) => pattern.test(codeOf(file)));
}

Deno.test("the kernel set defaults to fast, written once", () => {
  assert.equal(defaultTrainConfig().kernels, "fast");
  assert.deepEqual(writtenOutsideDefaults(/\?\?\s*["']fast["']/), []);
});

Deno.test("the verdict file's default location is written once", () => {
  assert.equal(defaultTrainConfig().engineVerdictFile, "data/engine-verdicts.json");
  assert.deepEqual(writtenOutsideDefaults(/["']data\/engine-verdicts\.json["']/), []);
});
