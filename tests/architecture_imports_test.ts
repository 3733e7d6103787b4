/**
 * The import rules of the README's Architecture section, checked on the source: the compiled
 * engines import nothing of the layers above them, the runner contract sits below both train and
 * engine, compare imports report and not the other way round, and `lib/defaults.ts` stays a leaf
 * (type-only imports aside).
 */
import assert from "node:assert/strict";
import { codeOf, ROOT, sourceFiles } from "./_source_files.ts";

/** One import of a source file: its specifier, resolved path (for relative ones), and kind. */
interface Import {
  file: string;
  specifier: string;
  /** Repository-relative path of the target, or null for a bare specifier (npm, node:). */
  target: string | null;
  typeOnly: boolean;
}

/** The static, re-export and dynamic (string literal) imports of `file`. */
function importsOf(file: string): Import[] {
  const source = codeOf(file);
  const found: Import[] = [];
  const patterns = [
    /^\s*(import|export)\s+(type\s+)?[^"';]*?\bfrom\s+["']([^"']+)["']/gm,
    /^\s*import\s+()()["']([^"']+)["']/gm,
    /\bimport\(\s*()()["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      const specifier = match[3]!;
      const target = specifier.startsWith(".")
        ? new URL(specifier, new URL(file, ROOT)).pathname.slice(ROOT.pathname.length)
        : null;
      found.push({ file, specifier, target, typeOnly: match[2] !== undefined && match[2] !== "" });
    }
  }
  return found;
}

/** The imports of `files` whose target lies under one of `folders`. */
function importsInto(files: string[], folders: string[]): string[] {
  return files.flatMap(importsOf)
    .filter((i) => i.target !== null && folders.some((f) => i.target!.startsWith(`${f}/`)))
    .map((i) => `${i.file} imports ${i.specifier}`);
}

/** The folders above `lib/engine/` in the README's layer table. */
const ABOVE_ENGINE = [
  "tasks",
  "lib/notebook",
  "lib/web",
  "lib/cli",
  "lib/gpu_verify",
  "lib/bench",
  "lib/compare",
  "lib/report",
  "lib/train",
];

Deno.test("the import scanner sees static, type-only and dynamic imports", () => {
  const runner = importsOf("lib/train/create_runner.ts");
  const byTarget = (target: string) => runner.find((i) => i.target === target);
  assert.equal(byTarget("lib/runner/epoch_runner.ts")?.typeOnly, true);
  assert.equal(byTarget("lib/train/tfjs_runner.ts")?.typeOnly, false);
  assert.ok(byTarget("lib/engine/webgpu/create_webgpu_runner.ts"), "a dynamic import is seen");
  // The `@example` of defaults.ts imports "./defaults.ts": comments are not imports.
  assert.ok(importsOf("lib/defaults.ts").every((i) => i.target !== "lib/defaults.ts"));
});

Deno.test("lib/engine imports nothing of train, bench, gpu_verify or any layer above it", () => {
  const files = sourceFiles("lib/engine");
  assert.ok(files.length > 50, `only ${files.length} engine files found`);
  assert.ok(files.flatMap(importsOf).length > 100, "the engine's imports were not found");
  assert.deepEqual(importsInto(files, ABOVE_ENGINE), []);
});

Deno.test("the runner contract (lib/runner) sits below both train and the engines", () => {
  const files = sourceFiles("lib/runner");
  assert.deepEqual(importsInto(files, [...ABOVE_ENGINE, "lib/engine"]), []);
});

Deno.test("lib/defaults.ts is a leaf: nothing imported at run time, nothing from above", () => {
  const imports = importsOf("lib/defaults.ts");
  assert.deepEqual(imports.filter((i) => !i.typeOnly).map((i) => i.specifier), []);
  assert.deepEqual(importsInto(["lib/defaults.ts"], [...ABOVE_ENGINE, "lib/engine"]), []);
});

Deno.test("compare → report, one way: the report code imports nothing of lib/compare", () => {
  const files = sourceFiles("lib/report");
  assert.ok(files.includes("lib/report/write_comparison_report.ts"));
  assert.deepEqual(importsInto(files, ["lib/compare"]), []);
});
