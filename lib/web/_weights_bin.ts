/**
 * The layout of a saved model's `weights.bin`: tfjs' save order is the trainable weights in
 * layer order, then the non-trainable ones, each a float32 run. Both ways live here, apart
 * from `model_files.ts`'s file checks, so export and import cannot drift.
 *
 * @module
 */
import type { ParamSlice, TrainingPlan } from "../engine/plan.ts";

/** One weight in the manifest: `<layer name>/<weight>`, its shape, float32. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: "float32";
}

/** Each slice with the packed array it lives in, in tfjs' save order. */
function saveOrder(
  plan: TrainingPlan,
  params: Float32Array,
  state: Float32Array,
): (readonly [ParamSlice, Float32Array])[] {
  return [
    ...plan.params.map((p) => [p, params] as const),
    ...plan.state.map((p) => [p, state] as const),
  ];
}

/**
 * Packs `params` and `state` into `weights.bin` order.
 *
 * @param names The Keras layer names, by architecture layer index.
 * @returns The float32 weights and their manifest entries.
 */
export function packWeights(
  plan: TrainingPlan,
  names: readonly string[],
  params: Float32Array,
  state: Float32Array,
): { weights: Float32Array<ArrayBuffer>; specs: WeightSpec[] } {
  const weights = new Float32Array(plan.paramCount + plan.stateCount);
  let at = 0;
  const specs = saveOrder(plan, params, state).map(([p, values]) => {
    weights.set(values.subarray(p.offset, p.offset + p.length), at);
    at += p.length;
    // A slice is named `<layer index>/<weight>`, e.g. `2/kernel`, `4/moving_mean`.
    const weight = p.name.slice(p.name.indexOf("/") + 1);
    const name = `${names[plan.layers[p.layer]!.index]}/${weight}`;
    return { name, shape: p.shape, dtype: "float32" as const };
  });
  return { weights, specs };
}

/** Unpacks `weights.bin` order (already sized and checked) into packed params and state. */
export function unpackWeights(
  plan: TrainingPlan,
  weights: Float32Array,
): { params: Float32Array<ArrayBuffer>; state: Float32Array<ArrayBuffer> } {
  const params = new Float32Array(plan.paramCount);
  const state = new Float32Array(plan.stateCount);
  let at = 0;
  for (const [p, values] of saveOrder(plan, params, state)) {
    values.set(weights.subarray(at, at + p.length), p.offset);
    at += p.length;
  }
  return { params, state };
}
