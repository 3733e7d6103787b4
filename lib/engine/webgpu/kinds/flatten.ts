/**
 * The flatten kind: no kernels. Its output is its input's memory (`aliasOf` in the plan), and
 * so is its gradient: the next layer reads and writes the producer's buffers directly.
 *
 * @module
 */
import type { KindKernels, LayerOf } from "./_kind.ts";

/** The flatten kind's kernels: none either way. */
export const flattenKernels: KindKernels<LayerOf<"flatten">> = {
  forward: () => [],
  backward: () => [],
};
