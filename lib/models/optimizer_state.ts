/**
 * Restores the optimizer state a checkpoint keeps, for `--resume`. Resuming without it, or
 * with another optimizer's, trains on but diverges from an uninterrupted run (measured: loss
 * 0.87 vs 1.28 at epoch 2 of a 3-epoch mlp run), so every such case is refused.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { ModelFileError } from "../errors.ts";
import { weightDtypeProblem } from "./_model_json.ts";
import {
  checkParts,
  MODEL_PARTS,
  readJsonPart,
  readPart,
  withConsistentReads,
} from "./_model_parts.ts";

const [, , OPTIMIZER_FILE, OPTIMIZER_WEIGHTS_FILE] = MODEL_PARTS;
const RETRAIN = "--resume cannot continue this checkpoint exactly; train again with --retrain";

interface OptimizerJson {
  className: string;
  weights: tf.io.WeightsManifestEntry[];
}

const shapeKey = (shape: readonly (number | null)[]) => JSON.stringify(shape);

/** The optimizer's slots (all but `iter`) must be whole sets of the model's variables. */
function checkSlots(
  specs: tf.io.WeightsManifestEntry[],
  model: tf.LayersModel,
): string | undefined {
  const variables = model.trainableWeights.map((w) => shapeKey(w.shape)).sort();
  const slots = specs.filter((s) => s.name !== "iter");
  if (slots.length === 0 || slots.length % variables.length !== 0) {
    return `it has ${slots.length} slots for the model's ${variables.length} variables`;
  }
  for (let start = 0; start < slots.length; start += variables.length) {
    const group = slots.slice(start, start + variables.length).map((s) => shapeKey(s.shape)).sort();
    if (group.join() !== variables.join()) return "its slot shapes are not the model's";
  }
  return undefined;
}

/**
 * Restores optimizer state saved with a checkpoint.
 *
 * @param dir The checkpoint folder.
 * @param optimizer A fresh optimizer of the recipe's kind.
 * @param model The resumed model, to check the state's shapes against it.
 * @returns `true` once restored.
 * @throws {ModelFileError} suggesting `--retrain` when the state is missing, of another
 * optimizer class, does not fit the model, or is not the one the checkpoint's metadata lists.
 *
 * @example
 * ```ts ignore
 * const { model } = await loadModel("models/mlp");
 * const optimizer = tf.train.adam(0.001);
 * await loadOptimizerState("models/mlp", optimizer, model);
 * ```
 */
export async function loadOptimizerState(
  dir: string,
  optimizer: tf.Optimizer,
  model?: tf.LayersModel,
): Promise<boolean> {
  const path = join(dir, OPTIMIZER_FILE);
  return await withConsistentReads(dir, async (metadata) => {
    if (metadata.files && !metadata.files[OPTIMIZER_FILE]) {
      throw new ModelFileError(`${dir} holds no optimizer state (a final save); ${RETRAIN}`);
    }
    const jsonBytes = await readPart(dir, OPTIMIZER_FILE).catch((error) => {
      if (!metadata.files && /is missing$/.test(error.message)) {
        throw new ModelFileError(`${path} is missing; ${RETRAIN}`);
      }
      throw error;
    });
    const spec = readJsonPart(jsonBytes, path) as Partial<OptimizerJson>;
    if (typeof spec?.className !== "string" || !Array.isArray(spec.weights)) {
      throw new ModelFileError(`${path} is not optimizer state; ${RETRAIN}`);
    }
    if (spec.className !== optimizer.getClassName()) {
      throw new ModelFileError(
        `${path} is ${spec.className} state but the recipe trains with ` +
          `${optimizer.getClassName()}; ${RETRAIN}`,
      );
    }
    spec.weights.forEach((weight, i) => {
      // tfjs saves its step count `iter` as an int32 scalar; every slot is float32.
      const allowed = weight?.name === "iter" ? ["int32", "float32"] : ["float32"];
      const problem = weightDtypeProblem(weight, i, allowed, "optimizer state is float32");
      if (problem) throw new ModelFileError(`${path}: ${problem}; ${RETRAIN}`);
    });
    const problem = model ? checkSlots(spec.weights, model) : undefined;
    if (problem) throw new ModelFileError(`${path} does not fit the model: ${problem}; ${RETRAIN}`);
    const bytes = spec.weights.reduce((sum, w) => sum + 4 * w.shape.reduce((a, b) => a * b, 1), 0);
    const data = await readPart(dir, OPTIMIZER_WEIGHTS_FILE, bytes);
    if (data.length !== bytes) {
      throw new ModelFileError(
        `${join(dir, OPTIMIZER_WEIGHTS_FILE)} has ${data.length} bytes, not ${bytes}; ${RETRAIN}`,
      );
    }
    await checkParts(dir, metadata, {
      [OPTIMIZER_FILE]: jsonBytes,
      [OPTIMIZER_WEIGHTS_FILE]: data,
    });
    const tensors = tf.io.decodeWeights(data.slice().buffer, spec.weights);
    // tfjs optimizers match their slots to variables by position, so names need not match.
    await optimizer.setWeights(
      spec.weights.map((w) => ({ name: w.name, tensor: tensors[w.name]! })),
    );
    return true;
  });
}
