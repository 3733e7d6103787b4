/**
 * Moves a training run's state between tfjs and a compiled engine's packed arrays (the
 * layout of `plan.ts`): the model's trainable weights, its non-trainable weights (batchNorm's
 * moving mean and variance, which tfjs' inference mode reads, so a model trained on an engine
 * evaluates, predicts and saves with them) and the optimizer's slots, with the
 * slot variables named and ordered exactly as tfjs' own RMSprop / Adam create them, so
 * `optimizer.getWeights()` (the checkpoint format) round-trips. Shared by every executor.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  OPTIMIZER_SLOTS,
  type OptimizerSpec,
  type PackedTrainingState,
  type ParamSlice,
  type TrainingPlan,
} from "./plan.ts";

export type { OptimizerSpec, PackedTrainingState };
// Kept importable from here, where they were first written.
export { compiledOptimizerSpec, optimizerSpecOf } from "./optimizer_spec.ts";

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

interface OptimizerInternals {
  accumulatedMeanSquares?: Slot[];
  accumulatedMoments?: Slot[];
  accumulatedFirstMoment?: Slot[];
  accumulatedSecondMoment?: Slot[];
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
  centered?: boolean;
  iterations_?: number;
}

function slotLists(optimizer: tf.Optimizer, kind: OptimizerSpec["kind"]): Slot[][] {
  const o = optimizer as unknown as OptimizerInternals;
  if (kind === "rmsprop") return [o.accumulatedMeanSquares ??= [], o.accumulatedMoments ??= []];
  if (kind === "adam") return [o.accumulatedFirstMoment ??= [], o.accumulatedSecondMoment ??= []];
  return [];
}

function matching(weights: tf.LayerVariable[], slices: ParamSlice[], what: string, arch: string) {
  const variables = weights.map((w) => w.read() as tf.Variable);
  const ok = variables.length === slices.length &&
    variables.every((w, i) => w.shape.join() === slices[i]!.shape.join());
  if (!ok) throw new RangeError(`The model's ${what} weights do not match the ${arch} plan`);
  return variables;
}

const checkShapes = (model: tf.LayersModel, plan: TrainingPlan): tf.Variable[] =>
  matching(model.trainableWeights, plan.params, "trainable", plan.arch);

/** The model's non-trainable variables in `plan.state` order (batchNorm's moving stats). */
const stateVariables = (model: tf.LayersModel, plan: TrainingPlan): tf.Variable[] =>
  matching(model.nonTrainableWeights, plan.state, "non-trainable", plan.arch);

/**
 * Packs the model's weights and the optimizer's state (zeros for slots tfjs has not made
 * yet) into the plan's layout. Synchronous (`dataSync`): not for the `webgpu` backend,
 * whose synchronous reads fail in Deno; use {@linkcode loadTrainingState} there.
 *
 * @param model The model (its `trainableWeights` in plan order).
 * @param optimizer The optimizer whose slots to read.
 * @param spec The optimizer's spec ({@linkcode optimizerSpecOf}).
 * @param plan The plan built for the model's architecture.
 * @returns Parameters, slots and Adam's β powers, packed.
 * @throws {RangeError} when the model's weights do not match the plan.
 * @example
 * ```ts ignore
 * const state = readTrainingState(model, optimizer, spec, planTraining("mlp", 32));
 * ```
 */
export function readTrainingState(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  spec: OptimizerSpec,
  plan: TrainingPlan,
): PackedTrainingState {
  return packState(model, optimizer, spec, plan, (t) => t.dataSync() as Float32Array);
}

/**
 * {@linkcode readTrainingState} with asynchronous reads: works on every backend. Same
 * parameters, result and errors.
 *
 * @example
 * ```ts ignore
 * const state = await loadTrainingState(model, optimizer, spec, planTraining("cnn-deep", 64));
 * ```
 */
export async function loadTrainingState(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  spec: OptimizerSpec,
  plan: TrainingPlan,
): Promise<PackedTrainingState> {
  const values = new Map<tf.Tensor, Float32Array>();
  const o = optimizer as unknown as OptimizerInternals;
  const tensors: tf.Tensor[] = [
    ...checkShapes(model, plan),
    ...stateVariables(model, plan),
    ...slotLists(optimizer, spec.kind).flatMap((list) => list.map((slot) => slot.variable)),
    ...(spec.kind === "adam" ? [o.accBeta1!, o.accBeta2!] : []),
  ];
  const data = await Promise.all(tensors.map((t) => t.data() as Promise<Float32Array>));
  tensors.forEach((t, i) => values.set(t, data[i]!));
  return packState(model, optimizer, spec, plan, (t) => values.get(t)!);
}

function packState(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  spec: OptimizerSpec,
  plan: TrainingPlan,
  read: (t: tf.Tensor) => Float32Array,
): PackedTrainingState {
  const weights = checkShapes(model, plan);
  const pack = (
    values: (tf.Tensor | undefined)[],
    slices = plan.params,
    count = plan.paramCount,
  ) => {
    const out = new Float32Array(count);
    values.forEach((t, i) => t && out.set(read(t), slices[i]!.offset));
    return out;
  };
  const params = pack(weights);
  const state = pack(stateVariables(model, plan), plan.state, plan.stateCount);
  const slots = slotLists(optimizer, spec.kind).map((list) =>
    pack(weights.map((_, i) => list[i]?.variable))
  );
  const o = optimizer as unknown as OptimizerInternals;
  const accBeta: [number, number] = spec.kind === "adam"
    ? [read(o.accBeta1!)[0]!, read(o.accBeta2!)[0]!]
    : [1, 1];
  return { params, slots, accBeta, state };
}

/**
 * Writes packed state back: assigns the model's weights (trainable and not), creates or
 * assigns the optimizer's
 * slots (named `<variable>/rms`, `/momentum`, `/m`, `/v` as tfjs does) and Adam's β powers,
 * and advances the optimizer's iteration count by `steps`.
 *
 * @param model The model whose weights are assigned.
 * @param optimizer The optimizer whose slots are created or assigned.
 * @param spec The optimizer's spec.
 * @param plan The plan the state is laid out by.
 * @param state The packed state (from an executor).
 * @param steps Steps run since the state was last written back.
 * @throws {RangeError} when the model's weights or the packed state do not match the plan.
 * @example
 * ```ts ignore
 * writeTrainingState(model, optimizer, spec, plan, await executor.readState(), stepsSinceSync);
 * ```
 */
export function writeTrainingState(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  spec: OptimizerSpec,
  plan: TrainingPlan,
  state: PackedTrainingState,
  steps: number,
): void {
  const weights = checkShapes(model, plan);
  const moving = stateVariables(model, plan);
  if (state.state.length !== plan.stateCount) {
    throw new RangeError(
      `The packed state holds ${state.state.length} values, the ${plan.arch} plan ${plan.stateCount}`,
    );
  }
  const view = (values: Float32Array, i: number, slices = plan.params) => {
    const p = slices[i]!;
    return tf.tensor(values.subarray(p.offset, p.offset + p.length), p.shape, "float32");
  };
  tf.tidy(() => {
    weights.forEach((w, i) => w.assign(view(state.params, i)));
    moving.forEach((w, i) => w.assign(view(state.state, i, plan.state)));
    const suffixes = spec.kind === "sgd" ? [] : OPTIMIZER_SLOTS[spec.kind];
    slotLists(optimizer, spec.kind).forEach((list, k) => {
      weights.forEach((w, i) => {
        const value = view(state.slots[k]!, i);
        if (list[i]) list[i].variable.assign(value);
        else {list[i] = {
            originalName: `${w.name}/${suffixes[k]}`,
            variable: tf.keep(value.variable(false)),
          };}
      });
    });
    const o = optimizer as unknown as OptimizerInternals;
    if (spec.kind === "adam") {
      o.accBeta1!.assign(tf.scalar(state.accBeta[0]));
      o.accBeta2!.assign(tf.scalar(state.accBeta[1]));
    }
    o.iterations_ = optimizer.iterations + steps;
  });
}
