/**
 * The batch-normalisation kind (tfjs-layers' BatchNormalization on the last axis), per
 * channel `c` over the m = batch · h · w values of a step:
 * - training forward: the batch mean, then the biased variance Σ(x − mean)² / m (two passes,
 *   as `tf.moments` takes them), each a split channel sum (`_channel_sums.ts`); the second's
 *   reduction stores invStd = 1 / √(var + ε) beside the mean in `bnStats:<i>` and moves the
 *   moving averages in the executor's `state` (moving ← moving − (moving − batch) · (1 −
 *   momentum), the biased variance, as tfjs does); then y = β + (x − mean) · γ · invStd;
 * - inference forward: y = β + (x − movingMean) · γ / √(movingVariance + ε);
 * - backward: dγ = Σ dy · x̂ and dβ = Σ dy (one split sum of both, into the gradients), then
 *   dx = γ · invStd / m · (m · dy − dβ − x̂ · dγ), computed as γ · invStd · (dy − (dβ + x̂ · dγ) / m)
 *   (no m · dy of 800,000 times dy's size), with the producer's activation′ applied.
 * FLOPs are counted as `plan_flops.ts` counts them (3 a value for the statistics, 4 to
 * normalise, 3 for the two sums, 5 for dx), the split reductions' adds on top.
 *
 * @module
 */
import { producerActivation, type TrainingPlan } from "../../plan.ts";
import { gateCost, storeGated } from "../_activation.ts";
import { channelSums } from "../_channel_sums.ts";
import { elements } from "../_cost.ts";
import { bind, flatKernel, type Kernel, lit } from "../_wgsl.ts";
import {
  actName,
  type ForwardMode,
  inputGradBindings,
  type KindKernels,
  type LayerOf,
} from "./_kind.ts";

type Norm = LayerOf<"batchNorm">;

/** Rows and channels of the layer's input (a flat input is `[1, 1, n]`: n channels). */
function dims(plan: TrainingPlan, l: Norm) {
  const c = l.input.c;
  return { c, m: plan.batchSize * l.input.h * l.input.w, n: elements(plan.batchSize, l.input) };
}

/** Batch mean, then variance: the statistics and the moving averages' update. */
function statistics(plan: TrainingPlan, l: Norm): Kernel[] {
  const { c, m } = dims(plan, l);
  const x = bind(actName(plan, l.index - 1), "x", "f32");
  const stats = bind(`bnStats:${l.index}`, "stats", "f32", true);
  const keep = lit(1 - l.momentum);
  const move = (offset: number, value: string) =>
    `moving[${offset}u + e] = moving[${offset}u + e] - (moving[${offset}u + e] - ${value}) * ${keep};`;
  const base = { rows: m, channels: c, sums: 1 as const, bindings: [x, stats] };
  const mean = channelSums({
    ...base,
    label: `batchNorm${l.index}_mean`,
    setup: "",
    term: "s0 += x[k];",
    termFlops: 1,
    store: (e, sum) => `stats[${e}] = ${sum} / ${lit(m)};`,
    storeBindings: [stats],
  });
  const variance = channelSums({
    ...base,
    label: `batchNorm${l.index}_var`,
    setup: "  let mean = stats[ch];",
    term: "let d = x[k] - mean; s0 += d * d;",
    termFlops: 2,
    store: (e, sum) =>
      `let v = ${sum} / ${lit(m)};
    stats[${c}u + ${e}] = 1.0 / sqrt(v + ${lit(l.epsilon)});
    ${move(l.movingMean.offset, `stats[${e}]`)}
    ${move(l.movingVariance.offset, "v")}`,
    storeBindings: [stats, bind("state", "moving", "f32", true)],
  });
  return [...mean, ...variance];
}

/** y = β + (x − mean) · γ · invStd, the mean and invStd from `source` (batch or moving). */
function normalize(plan: TrainingPlan, l: Norm, mode: ForwardMode): Kernel {
  const { c, n } = dims(plan, l);
  const train = mode === "train";
  const mean = train ? "stats[ch]" : `moving[${l.movingMean.offset}u + ch]`;
  const inv = train
    ? `stats[${c}u + ch]`
    : `1.0 / sqrt(moving[${l.movingVariance.offset}u + ch] + ${lit(l.epsilon)})`;
  return flatKernel(
    `batchNorm${l.index}`,
    [
      bind(actName(plan, l.index - 1), "x", "f32"),
      train ? bind(`bnStats:${l.index}`, "stats", "f32") : bind("state", "moving", "f32"),
      bind("params", "params", "f32"),
      bind(`act:${l.index}`, "y", "f32", true),
    ],
    n,
    `  let ch = i % ${c}u;
  y[i] = params[${l.beta.offset}u + ch] + (x[i] - ${mean}) * params[${l.gamma.offset}u + ch] * ${inv};`,
    { flops: 4 * n, bytes: 8 * n, serialLoop: 0 },
  );
}

/** dγ and dβ: Σ dy · x̂ and Σ dy per channel, into the gradients. */
function paramGrads(plan: TrainingPlan, l: Norm): Kernel[] {
  const { c, m } = dims(plan, l);
  return channelSums({
    label: `batchNorm${l.index}_dgamma`,
    rows: m,
    channels: c,
    sums: 2,
    setup: `  let mean = stats[ch];\n  let inv = stats[${c}u + ch];`,
    term: "let g = dy[k]; s0 += g * ((x[k] - mean) * inv); s1 += g;",
    termFlops: 3,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind(`grad:${l.index}`, "dy", "f32"),
      bind(`bnStats:${l.index}`, "stats", "f32"),
    ],
    store: (e, sum) =>
      `if (${e} < ${c}u) { grads[${l.gamma.offset}u + ${e}] = ${sum}; } else { grads[${l.beta.offset}u + ${e} - ${c}u] = ${sum}; }`,
    storeBindings: [bind("grads", "grads", "f32", true)],
  });
}

/** dx = γ · invStd · (dy − (dβ + x̂ · dγ) / m), gated by the producer's activation′. */
function inputGrad(plan: TrainingPlan, l: Norm): Kernel {
  const { c, m, n } = dims(plan, l);
  const a = producerActivation(plan, l.index - 1);
  const gate = gateCost(a);
  return flatKernel(
    `batchNorm${l.index}_dx`,
    [
      ...inputGradBindings(plan, l),
      bind(`bnStats:${l.index}`, "stats", "f32"),
      bind("grads", "grads", "f32"),
    ],
    n,
    `  let ch = i % ${c}u;
  let inv = stats[${c}u + ch];
  let xhat = (x[i] - stats[ch]) * inv;
  let dbeta = grads[${l.beta.offset}u + ch];
  let dgamma = grads[${l.gamma.offset}u + ch];
  let g = params[${l.gamma.offset}u + ch] * inv * (dy[i] - (dbeta + xhat * dgamma) / ${lit(m)});
  ${storeGated(a, "dx[i]", "g", "x[i]")}`,
    { flops: (5 + gate.flops) * n, bytes: 4 * 3 * n, serialLoop: 0 },
  );
}

/** The batch-normalisation kind's kernels. */
export const batchNormKernels: KindKernels<Norm> = {
  forward: (plan, l, _tuning, mode) => [
    ...(mode === "train" ? statistics(plan, l) : []),
    normalize(plan, l, mode),
  ],
  backward: (plan, l) => [
    ...paramGrads(plan, l),
    ...(l.backpropInput ? [inputGrad(plan, l)] : []),
  ],
};
