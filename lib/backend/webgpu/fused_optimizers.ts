/**
 * RMSprop and Adam whose per-variable update is one WebGPU dispatch. tfjs' own optimizers
 * spend ~20 elementwise kernels per variable (~200 of the 286 kernels of a cnn-deep step
 * on an H100); these rewrite the variable and its accumulators in place with the same
 * arithmetic, in the same order, so results match tfjs to float rounding. They subclass
 * tfjs' optimizers: slots, `getWeights`/`setWeights`, `dispose` and serialisation are
 * inherited, and on any backend other than `webgpu` (or for non-float32 variables) the
 * inherited tfjs update runs instead.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { f32, runFusedUpdate } from "./_fused_update.ts";
import { LearningRateTensor } from "./_learning_rate.ts";

/** Optimizers with a fused WebGPU update. */
export type FusedOptimizerName = "rmsprop" | "adam";

interface Slot {
  originalName: string;
  variable: tf.Variable;
}

interface Pair {
  name: string;
  value: tf.Variable;
  grad: tf.Tensor | undefined;
}

type Gradients = Parameters<tf.RMSPropOptimizer["applyGradients"]>[0];
type AdamGradients = Parameters<tf.AdamOptimizer["applyGradients"]>[0];

/** Variables and gradients in the order tfjs' optimizers index their slots. */
function pairsOf(gradients: Gradients | AdamGradients): Pair[] {
  const entries = Array.isArray(gradients)
    ? gradients.map((g) => [g.name, g.tensor] as const)
    : Object.entries(gradients);
  return entries.map(([name, grad]) => ({
    name,
    value: tf.engine().registeredVariables[name]!,
    grad: grad ?? undefined,
  }));
}

function canFuse(pairs: Pair[]): boolean {
  return tf.getBackend() === "webgpu" &&
    pairs.every(({ value, grad }) =>
      value?.dtype === "float32" &&
      (grad === undefined || (grad.dtype === "float32" && grad.size === value.size))
    );
}

/** The slot variable at `i`, created as zeros like tfjs does on first use. */
function slotAt(slots: Slot[], i: number, pair: Pair, suffix: string): tf.Variable {
  slots[i] ??= {
    originalName: `${pair.name}/${suffix}`,
    variable: tf.tidy(() => tf.zerosLike(pair.value).variable(false)),
  };
  return slots[i].variable;
}

function shapeOptions(value: tf.Tensor): { elements: number; vec4: boolean } {
  return { elements: value.size, vec4: value.size % 4 === 0 };
}

/**
 * tfjs' non-centered RMSprop with one dispatch per variable:
 * ms ← ρ·ms + (1−ρ)·g²; mom ← μ·mom + lr·g / √(ms + ε); value ← value − mom.
 */
export class FusedRMSPropOptimizer extends tf.RMSPropOptimizer {
  private readonly rate = new LearningRateTensor();

  /** Same parameters as `tf.train.rmsprop`, with Keras' defaults; never centered. */
  constructor(learningRate: number, decay = 0.9, momentum = 0, epsilon = 1e-7) {
    super(learningRate, decay, momentum, epsilon, false);
  }

  /** Frees the slots and the learning-rate tensor. */
  override dispose(): void {
    super.dispose();
    this.rate.dispose();
  }

  /** Updates each variable in place with one WebGPU dispatch (tfjs' update elsewhere). */
  override applyGradients(gradients: Gradients): void {
    const pairs = pairsOf(gradients);
    if (!canFuse(pairs)) return super.applyGradients(gradients);
    const state = this as unknown as { accumulatedMeanSquares: Slot[]; accumulatedMoments: Slot[] };
    const body = `let g = grad[i];
  let newMs = ms[i] * ${f32(this.decay)} + (g * g) * ${f32(1 - this.decay)};
  let newMom = mom[i] * ${f32(this.momentum)} + (g * lr[0]) / sqrt(newMs + ${f32(this.epsilon)});
  ms[i] = newMs;
  mom[i] = newMom;
  value[i] = value[i] - newMom;`;
    const lr = this.rate.current(this.learningRate);
    pairs.forEach((pair, i) => {
      const ms = slotAt(state.accumulatedMeanSquares, i, pair, "rms");
      const mom = slotAt(state.accumulatedMoments, i, pair, "momentum");
      if (!pair.grad) return;
      const update = { written: [pair.value, ms, mom], read: [pair.grad, lr] };
      runFusedUpdate(update, ["value", "ms", "mom", "grad", "lr"], body, {
        ...shapeOptions(pair.value),
        scalars: ["lr"],
        name: "FusedRMSPropUpdate",
      });
    });
    this.incrementIterations();
  }
}

/**
 * tfjs' Adam with one dispatch per variable (and one for the β powers):
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; value ← value − lr·(m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε).
 */
export class FusedAdamOptimizer extends tf.AdamOptimizer {
  private readonly rate = new LearningRateTensor();

  /** Same parameters as `tf.train.adam`, with Keras' defaults. */
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-7) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** Frees the slots and the learning-rate tensor. */
  override dispose(): void {
    super.dispose();
    this.rate.dispose();
  }

  /** Updates each variable in place with one WebGPU dispatch (tfjs' update elsewhere). */
  override applyGradients(gradients: AdamGradients): void {
    const pairs = pairsOf(gradients);
    if (!canFuse(pairs)) return super.applyGradients(gradients);
    const state = this as unknown as {
      accBeta1: tf.Variable;
      accBeta2: tf.Variable;
      accumulatedFirstMoment: Slot[];
      accumulatedSecondMoment: Slot[];
    };
    const body = `let g = grad[i];
  let newM = m[i] * ${f32(this.beta1)} + g * ${f32(1 - this.beta1)};
  let newV = v[i] * ${f32(this.beta2)} + (g * g) * ${f32(1 - this.beta2)};
  let mHat = newM / (1.0 - accBeta1[0]);
  let vHat = newV / (1.0 - accBeta2[0]);
  m[i] = newM;
  v[i] = newV;
  value[i] = (mHat / (sqrt(vHat) + ${f32(this.epsilon)})) * -lr[0] + value[i];`;
    const names = ["value", "m", "v", "grad", "accBeta1", "accBeta2", "lr"];
    const scalars = ["accBeta1", "accBeta2", "lr"];
    const lr = this.rate.current(this.learningRate);
    pairs.forEach((pair, i) => {
      const m = slotAt(state.accumulatedFirstMoment, i, pair, "m");
      const v = slotAt(state.accumulatedSecondMoment, i, pair, "v");
      if (!pair.grad) return;
      const update = {
        written: [pair.value, m, v],
        read: [pair.grad, state.accBeta1, state.accBeta2, lr],
      };
      runFusedUpdate(update, names, body, {
        ...shapeOptions(pair.value),
        scalars,
        name: "FusedAdamUpdate",
      });
    });
    runFusedUpdate(
      { written: [state.accBeta1, state.accBeta2], read: [] },
      ["accBeta1", "accBeta2"],
      `accBeta1[i] = accBeta1[i] * ${f32(this.beta1)};
  accBeta2[i] = accBeta2[i] * ${f32(this.beta2)};`,
      { elements: 1, vec4: false, name: "FusedAdamBetaPowers" },
    );
    this.incrementIterations();
  }
}

/**
 * Creates a fused optimizer with Keras' defaults (RMSprop ρ 0.9, momentum 0, ε 1e-7;
 * Adam β 0.9/0.999, ε 1e-7). Meant for the `webgpu` backend; elsewhere it behaves exactly
 * like tfjs' own optimizer.
 *
 * @param name `"rmsprop"` or `"adam"`.
 * @param learningRate The learning rate.
 * @returns A `tf.Optimizer` (a subclass of tfjs' RMSprop or Adam).
 *
 * @example
 * ```ts ignore
 * const optimizer = createFusedOptimizer("rmsprop", 0.001);
 * optimizer.minimize(() => loss());
 * ```
 */
export function createFusedOptimizer(name: FusedOptimizerName, learningRate: number): tf.Optimizer {
  return name === "adam"
    ? new FusedAdamOptimizer(learningRate)
    : new FusedRMSPropOptimizer(learningRate);
}
