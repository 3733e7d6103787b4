/**
 * Class probabilities from the float64 reference forward pass (`lib/engine/reference`): the
 * inference path for an engine without an inference program of its own, and for a loaded
 * model before any engine is opened. Runs 100 images at a time so its activations stay
 * small. Measured on a 2-vCPU Xeon in Deno: cnn-basic ≈ 0.4 ms an image.
 *
 * @module
 */
import { NUM_CLASSES } from "../data/types.ts";
import type { Architecture } from "../models/architecture.ts";
import { planTraining, type TrainingPlan } from "../engine/plan.ts";
import { referenceForward } from "../engine/reference/reference_step.ts";

const CHUNK = 100;

/** Softmax of each row of `logits` into `out` at `at` (float32). */
function softmaxRows(logits: Float64Array, out: Float32Array, at: number): void {
  for (let r = 0; r * NUM_CLASSES < logits.length; r++) {
    const row = logits.subarray(r * NUM_CLASSES, (r + 1) * NUM_CLASSES);
    const max = Math.max(...row);
    let sum = 0;
    for (const v of row) sum += Math.exp(v - max);
    row.forEach((v, k) => (out[at + r * NUM_CLASSES + k] = Math.exp(v - max) / sum));
  }
}

/**
 * The plan inference runs: the architecture with every dropout rate 0 (the reference scales
 * what a dropout keeps by 1 / (1 − rate), as training does; inference keeps all, unscaled).
 *
 * @param arch The architecture.
 * @returns A batch-1 plan (the reference takes any number of images).
 * @throws {RangeError} for an architecture with a batchNorm layer.
 */
export function inferencePlan(arch: Architecture): TrainingPlan {
  if (arch.layers.some((l) => l.type === "batchNorm")) {
    // The reference normalises by the batch's statistics (training mode), not the moving ones.
    throw new RangeError(
      `CPU inference of ${arch.name} is not available (it has a batchNorm layer); use the engine's`,
    );
  }
  const layers = arch.layers.map((l) => (l.type === "dropout" ? { ...l, rate: 0 } : l));
  return planTraining({ ...arch, layers }, 1);
}

/**
 * The probabilities of `count` images.
 *
 * @param plan {@linkcode inferencePlan} of the architecture.
 * @param params The packed parameters.
 * @param moving The packed non-trainable state.
 * @param images `count × 784` bytes.
 * @param count Images to run.
 * @returns `count × 10` probabilities.
 */
export function referenceProbabilities(
  plan: TrainingPlan,
  params: Float32Array,
  moving: Float32Array,
  images: Uint8Array,
  count: number,
): Float32Array {
  const state = { params: Float64Array.from(params), state: Float64Array.from(moving) };
  const out = new Float32Array(count * NUM_CLASSES);
  for (let start = 0; start < count; start += CHUNK) {
    const end = Math.min(count, start + CHUNK);
    const { activations } = referenceForward({
      plan,
      images: images.subarray(start * 784, end * 784),
      state,
    });
    softmaxRows(activations.at(-1)!, out, start * NUM_CLASSES);
  }
  return out;
}
