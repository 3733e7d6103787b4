/**
 * Builds the CPU engine's kernels (lib/engine/wasm/kernels/*.c) into two wasm modules, one
 * with relaxed SIMD (FMA) and a plain-SIMD fallback, and writes them as base64 into
 * lib/engine/wasm/_wasm_binary.ts, so a clone or a JSR consumer loads them with no build
 * step and no file permission. Needs Debian's clang-19 and lld-19.
 *
 * ```sh
 * deno task build-wasm            # = deno run --allow-read=lib --allow-write=lib --allow-run=clang-19 tools/build_wasm.ts
 * deno task build-wasm --check    # fails when the committed build is stale
 * ```
 *
 * @module
 */
import { buildKernels, OUTPUT, renderBinaryModule } from "../lib/engine/wasm/_build.ts";

const check = Deno.args.includes("--check");
const text = renderBinaryModule(await buildKernels());
if (check) {
  const current = await Deno.readTextFile(OUTPUT);
  if (current !== text) {
    console.error(`${OUTPUT} does not match the kernel sources: run tools/build_wasm.ts`);
    Deno.exit(1);
  }
  console.log(`${OUTPUT} matches the kernel sources`);
} else {
  await Deno.writeTextFile(OUTPUT, text);
  console.log(`wrote ${OUTPUT}`);
}
