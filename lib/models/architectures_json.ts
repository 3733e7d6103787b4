/**
 * The architecture data as JSON, for programs outside TypeScript: `bench/pytorch_bench.py`
 * builds its PyTorch models from it (`deno task summary --arch-json`; the four seeds' are
 * committed as `bench/architectures.json`). Each entry carries its recipe resolved, so a
 * reader needs no defaults of its own.
 *
 * @module
 */
import { defaultRecipe } from "../defaults.ts";
import type { Architecture } from "./architecture.ts";

/**
 * The architectures as a JSON array (two-space indented), each with its
 * recipe (the seed's, or `defaultRecipe()` for an architecture without one).
 *
 * @param archs Resolved architectures.
 * @returns The JSON text.
 * @example
 * ```ts
 * import { architecturesJson } from "./architectures_json.ts";
 * import { getArchitecture } from "./architectures.ts";
 * import assert from "node:assert/strict";
 *
 * const [mlp] = JSON.parse(architecturesJson([getArchitecture("mlp")]));
 * assert.equal(mlp.recipe.batchSize, 32);
 * ```
 */
export function architecturesJson(archs: readonly Architecture[]): string {
  const data = archs.map((arch) => ({ ...arch, recipe: arch.recipe ?? defaultRecipe() }));
  return JSON.stringify(data, null, 2);
}
