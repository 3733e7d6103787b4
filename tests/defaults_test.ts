/**
 * Every default in one place: `defaultTrainConfig()` holds it, and no library or task file
 * writes the value again as a fallback.
 */
import assert from "node:assert/strict";
import { defaultTrainConfig } from "../lib/defaults.ts";

const ROOT = new URL("../", import.meta.url);

/** Every `.ts` file under `dir` (repository-relative), recursively. */
function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(new URL(dir, ROOT))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) files.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** Files of lib/ and tasks/ (defaults.ts aside) whose code, comments removed, matches `pattern`. */
function writtenOutsideDefaults(pattern: RegExp): string[] {
  return [...sourceFiles("lib"), ...sourceFiles("tasks")]
    .filter((file) => file !== "lib/defaults.ts")
    .filter((file) => {
      const code = Deno.readTextFileSync(new URL(file, ROOT))
        .replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
      return pattern.test(code);
    });
}

Deno.test("the kernel set defaults to fast, written once", () => {
  assert.equal(defaultTrainConfig().kernels, "fast");
  assert.deepEqual(writtenOutsideDefaults(/\?\?\s*["']fast["']/), []);
});

Deno.test("the verdict file's default location is written once", () => {
  assert.equal(defaultTrainConfig().engineVerdictFile, "data/engine-verdicts.json");
  assert.deepEqual(writtenOutsideDefaults(/["']data\/engine-verdicts\.json["']/), []);
});
