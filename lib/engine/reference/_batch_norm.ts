/**
 * The float64 reference of a batchNorm layer in training mode (tfjs' BatchNormalization,
 * axis −1): per channel c over the batch's N·H·W values, the batch mean and BIASED variance
 * normalise the input, then γ scales and β shifts it. The forward also moves the state's
 * moving mean and variance toward the batch's, as tfjs' forward call does; the backward goes
 * through the mean and the variance (the full gradient tfjs' autodiff takes).
 *
 * @module
 */
import type { PlanLayer } from "../plan.ts";
import type { LayerKind } from "./_kind_types.ts";

type BatchNorm = Extract<PlanLayer, { kind: "batchNorm" }>;

/** Per channel: the batch mean, 1 / √(biased var + ε), the biased variance, the count m. */
export function batchStats(l: BatchNorm, x: Float64Array) {
  const c = l.input.c;
  const m = x.length / c;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  for (let i = 0; i < x.length; i++) mean[i % c] = mean[i % c]! + x[i]!;
  for (let k = 0; k < c; k++) mean[k] = mean[k]! / m;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - mean[i % c]!;
    variance[i % c] = variance[i % c]! + d * d;
  }
  for (let k = 0; k < c; k++) variance[k] = variance[k]! / m;
  const invStd = variance.map((v) => 1 / Math.sqrt(v + l.epsilon));
  return { mean, variance, invStd, m };
}

/** The batchNorm kind: batch statistics forward (updating `ctx.nextState`), full backward. */
export const batchNorm: LayerKind<BatchNorm> = {
  forward(l, x, { params, state, nextState }) {
    const { mean, variance, invStd } = batchStats(l, x);
    const c = l.input.c;
    const keep = l.momentum;
    for (let k = 0; k < c; k++) {
      const [mi, vi] = [l.movingMean.offset + k, l.movingVariance.offset + k];
      nextState[mi] = state[mi]! - (state[mi]! - mean[k]!) * (1 - keep);
      nextState[vi] = state[vi]! - (state[vi]! - variance[k]!) * (1 - keep);
    }
    return x.map((v, i) => {
      const k = i % c;
      return params[l.gamma.offset + k]! * (v - mean[k]!) * invStd[k]! + params[l.beta.offset + k]!;
    });
  },
  backward(l, x, _y, dy, { params, grads }) {
    const { mean, invStd, m } = batchStats(l, x);
    const c = l.input.c;
    const xhat = x.map((v, i) => (v - mean[i % c]!) * invStd[i % c]!);
    const dGamma = new Float64Array(c);
    const dBeta = new Float64Array(c);
    for (let i = 0; i < x.length; i++) {
      dGamma[i % c] = dGamma[i % c]! + dy[i]! * xhat[i]!;
      dBeta[i % c] = dBeta[i % c]! + dy[i]!;
    }
    for (let k = 0; k < c; k++) {
      grads[l.gamma.offset + k] = grads[l.gamma.offset + k]! + dGamma[k]!;
      grads[l.beta.offset + k] = grads[l.beta.offset + k]! + dBeta[k]!;
    }
    if (!l.backpropInput) return null;
    return dy.map((g, i) => {
      const k = i % c;
      const scale = params[l.gamma.offset + k]! * invStd[k]! / m;
      return scale * (m * g - dBeta[k]! - xhat[i]! * dGamma[k]!);
    });
  },
};
