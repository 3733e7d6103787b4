/**
 * Phase 5: the WebGPU test files, run by `deno test` in a subprocess (on the adapter of this
 * machine). A packed checkout has no `node_modules`, so `bench/gpu/pack.sh` bundles the test
 * files into {@linkcode PACKED_TESTS}, which is run when present.
 *
 * @module
 */
import type { PhaseContext } from "./types.ts";

/** The bundle of the WebGPU test files that `bench/gpu/pack.sh` writes. */
export const PACKED_TESTS = ".gpu/webgpu-tests.js";

/** Its bundle of {@linkcode QUICK_TEST_FILES}. */
export const PACKED_QUICK_TESTS = ".gpu/webgpu-tests-quick.js";

/** The test files of a full run, from source. */
export const WEBGPU_TEST_FILES: readonly string[] = [
  "tests/backend/webgpu/",
  "tests/train/fit_epoch_webgpu_test.ts",
  "tests/train/stock_loop_guard_test.ts",
  "tests/engine/",
];

/** The few that a `--quick` run (llvmpipe, CI) spends its seconds on (`pack.sh` lists them too). */
export const QUICK_TEST_FILES: readonly string[] = [
  "tests/backend/webgpu/gather_images_test.ts",
  "tests/train/stock_loop_guard_test.ts",
];

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/**
 * Phase 5 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function testsPhase(ctx: PhaseContext): Promise<void> {
  const bundle = ctx.quick ? PACKED_QUICK_TESTS : PACKED_TESTS;
  const packed = await exists(bundle);
  const files = packed ? [bundle] : ctx.quick ? QUICK_TEST_FILES : WEBGPU_TEST_FILES;
  const args = [
    "test",
    // The bundle needs no deno.json; with it, Deno would set up node_modules (network).
    ...(packed ? ["--no-config"] : []),
    "--no-check", // type checking is CI's job; here only behaviour on this adapter counts
    "--allow-read",
    "--allow-write",
    "--allow-env",
    "--allow-run",
    ...files,
  ];
  ctx.record("command", `deno ${args.join(" ")}`);
  const budget = Math.max(30, Math.min(ctx.secondsLeft(), ctx.quick ? 60 : 150));
  // This very binary: a packed run has no `deno` on PATH (`.gpu/run.sh` unpacks its own).
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
    signal: AbortSignal.timeout(budget * 1000),
  }).output();
  const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
  const summary = text.match(
    /(ok|FAILED) \| (\d+) passed(?: \((\d+) steps\))? \| (\d+) failed(?: \| (\d+) ignored)?/,
  );
  const passed = Number(summary?.[2] ?? 0);
  const failed = Number(summary?.[4] ?? 0);
  const ignored = Number(summary?.[5] ?? 0);
  ctx.record("tests", { passed, failed, ignored, exitCode: output.code });
  const failures = text.split("\n").filter((line) => / \.\.\. FAILED/.test(line));
  if (failures.length > 0) ctx.record("failures", failures);
  if (output.code !== 0) ctx.record("outputTail", text.slice(-3000));
  ctx.log(`tests: ${passed} passed, ${failed} failed, ${ignored} ignored`);
  ctx.check(
    "every WebGPU test passes",
    output.code === 0 && failed === 0 && passed > 0,
    `${passed} passed, ${failed} failed, exit ${output.code}`,
  );
}
