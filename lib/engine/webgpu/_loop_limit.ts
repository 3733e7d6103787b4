/**
 * The loop budget of one shader invocation on llvmpipe, and the generation-time check
 * against it. Mesa's llvmpipe (the software adapter Deno uses on machines without a GPU,
 * over GL; lavapipe, its Vulkan driver, compiles shaders the same way and has the same cut)
 * gives each 8-lane SIMD row one counter of 65,535 loop passes and silently ends the
 * invocation when it runs out: the kernel finishes with partial sums and nothing reports
 * it. Measured here with WGSL probes (2026-12-04, Mesa llvmpipe, LLVM 15, wgpu over GL):
 * - a loop of n iterations costs n + 1 passes (the pass that finds every lane done counts);
 * - nested loops add up: of 300 × 217 inner iterations, 64,937 ran (299 outer rounds of
 *   219 passes each, 217 + 1 inner and 1 outer, then 54 more: 65,535 passes);
 * - loops run one after the other share the counter (40,000 + 40,000 stopped at 65,534);
 * - lanes of one row that diverge into different loops add both loops' passes;
 * - lanes taking one loop different numbers of times cost the longest, and rows of a
 *   64-invocation workgroup each have their own counter.
 * So a generator sizes each invocation's work from its loop counts, and the executor
 * refuses a kernel whose count is over, naming it, rather than train on wrong gradients.
 *
 * @module
 */
import type { Kernel } from "./_wgsl.ts";

/** Loop passes llvmpipe allows one SIMD row of one invocation. */
export const LLVMPIPE_LOOP_LIMIT = 65_535;

/**
 * Loop passes of a loop nest with the given trip counts, outermost first, as llvmpipe
 * counts them: Σₖ (n₁ ⋯ nₖ₋₁) · (nₖ + 1).
 *
 * @param trips Iterations of each loop of the nest, outermost first.
 * @returns The passes the nest costs.
 * @example
 * ```ts
 * import { nestPasses } from "./_loop_limit.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(nestPasses([60_000]), 60_001);
 * assert.equal(nestPasses([300, 217]), 300 * 218 + 301);
 * ```
 */
export function nestPasses(trips: readonly number[]): number {
  let outer = 1;
  let passes = 0;
  for (const n of trips) {
    passes += outer * (n + 1);
    outer *= n;
  }
  return passes;
}

/** A kernel whose loops would outrun llvmpipe's budget (the message names it). */
export class LoopLimitError extends RangeError {
  constructor(readonly kernel: string, readonly passes: number) {
    super(
      `The compiled engine's kernel ${kernel} would loop ${passes} times in one invocation, ` +
        `past llvmpipe's ${LLVMPIPE_LOOP_LIMIT} (it would stop early and give wrong results)`,
    );
    this.name = "LoopLimitError";
  }
}

/**
 * Throws when a kernel generated for llvmpipe loops past its budget.
 *
 * @param kernels The kernels of a step.
 * @throws {LoopLimitError} naming the first kernel over the limit.
 */
export function checkLoopLimit(kernels: readonly Kernel[]): void {
  for (const k of kernels) {
    if (k.serialLoop > LLVMPIPE_LOOP_LIMIT) throw new LoopLimitError(k.label, k.serialLoop);
  }
}
