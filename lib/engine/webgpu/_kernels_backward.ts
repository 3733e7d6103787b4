/**
 * WGSL for the backward half of a training step. Every kernel is a gather (one thread per
 * output element, no atomics): input gradients of conv / dense / pool / dropout, with the
 * ReLU′ of the layer that produced the input fused in, and weight + bias gradients written
 * straight into the packed gradient array at the plan's offsets. A stored `grad:<i>` of a
 * ReLU layer is therefore the gradient w.r.t. its pre-activation.
 *
 * @module
 */
import type { PlanLayer, TrainingPlan } from "../plan.ts";
import { actName, producedByRelu } from "./_kernels_forward.ts";
import {
  bind,
  DROPOUT_HASH,
  dropoutThreshold,
  flatKernel,
  type Kernel,
  type KernelBinding,
  lit,
  reluGate,
} from "./_wgsl.ts";

type Conv = Extract<PlanLayer, { kind: "conv2d" }>;
type Dense = Extract<PlanLayer, { kind: "dense" }>;

const gradName = (plan: TrainingPlan, index: number) =>
  actName(plan, index).replace("act:", "grad:");

/** The input-gradient bindings: dY, the parameters, the producer's activation, dX. */
function inputGradBindings(
  plan: TrainingPlan,
  l: PlanLayer,
  extra: KernelBinding | null = bind("params", "params", "f32"),
): KernelBinding[] {
  return [
    bind(`grad:${l.index}`, "dy", "f32"),
    ...(extra ? [extra] : []),
    bind(actName(plan, l.index - 1), "x", "f32"),
    bind(gradName(plan, l.index - 1), "dx", "f32", true),
  ];
}

function convInputGrad(plan: TrainingPlan, l: Conv): Kernel {
  const { input: s, output: o, kernelSize: k, pad } = l;
  return flatKernel(
    `conv${l.index}_dx`,
    inputGradBindings(plan, l),
    plan.batchSize * s.h * s.w * s.c,
    `  let ci = i % ${s.c}u;
  var t = i / ${s.c}u;
  let iw = t % ${s.w}u; t = t / ${s.w}u;
  let ih = t % ${s.h}u;
  let b = t / ${s.h}u;
  var acc = 0.0;
  for (var kh = 0u; kh < ${k}u; kh++) {
    let oh = i32(ih + ${pad}u) - i32(kh);
    if (oh < 0 || oh >= ${o.h}) { continue; }
    for (var kw = 0u; kw < ${k}u; kw++) {
      let ow = i32(iw + ${pad}u) - i32(kw);
      if (ow < 0 || ow >= ${o.w}) { continue; }
      let yb = ((b * ${o.h}u + u32(oh)) * ${o.w}u + u32(ow)) * ${o.c}u;
      let wb = ${l.kernel.offset}u + ((kh * ${k}u + kw) * ${s.c}u + ci) * ${o.c}u;
      for (var co = 0u; co < ${o.c}u; co++) { acc += dy[yb + co] * params[wb + co]; }
    }
  }
  dx[i] = ${reluGate(producedByRelu(plan, l.index - 1), "acc", "x[i]")};`,
  );
}

/** Filter gradient `[kh, kw, cin, cout]` then bias gradient, one thread per element. */
function convWeightGrad(plan: TrainingPlan, l: Conv): Kernel {
  const { input: s, output: o, kernelSize: k, pad } = l;
  const weights = l.kernel.length;
  return flatKernel(
    `conv${l.index}_dw`,
    [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind(`grad:${l.index}`, "dy", "f32"),
      bind("grads", "grads", "f32", true),
    ],
    weights + o.c,
    `  if (i >= ${weights}u) {
    let co = i - ${weights}u;
    var sum = 0.0;
    for (var p = 0u; p < ${plan.batchSize * o.h * o.w}u; p++) { sum += dy[p * ${o.c}u + co]; }
    grads[${l.bias.offset}u + co] = sum;
    return;
  }
  let co = i % ${o.c}u;
  var t = i / ${o.c}u;
  let ci = t % ${s.c}u; t = t / ${s.c}u;
  let kw = t % ${k}u;
  let kh = t / ${k}u;
  let oh0 = u32(max(0, ${pad} - i32(kh)));
  let oh1 = u32(min(${o.h}, ${s.h + pad} - i32(kh)));
  let ow0 = u32(max(0, ${pad} - i32(kw)));
  let ow1 = u32(min(${o.w}, ${s.w + pad} - i32(kw)));
  var acc = 0.0;
  for (var b = 0u; b < ${plan.batchSize}u; b++) {
    for (var oh = oh0; oh < oh1; oh++) {
      let ih = oh + kh - ${pad}u;
      for (var ow = ow0; ow < ow1; ow++) {
        let iw = ow + kw - ${pad}u;
        acc += x[((b * ${s.h}u + ih) * ${s.w}u + iw) * ${s.c}u + ci] *
          dy[((b * ${o.h}u + oh) * ${o.w}u + ow) * ${o.c}u + co];
      }
    }
  }
  grads[${l.kernel.offset}u + i] = acc;`,
  );
}

function denseInputGrad(plan: TrainingPlan, l: Dense): Kernel {
  const n = l.input.c;
  const m = l.output.c;
  return flatKernel(
    `dense${l.index}_dx`,
    inputGradBindings(plan, l),
    plan.batchSize * n,
    `  let k = i % ${n}u;
  let b = i / ${n}u;
  var acc = 0.0;
  for (var o = 0u; o < ${m}u; o++) {
    acc += dy[b * ${m}u + o] * params[${l.kernel.offset}u + k * ${m}u + o];
  }
  dx[i] = ${reluGate(producedByRelu(plan, l.index - 1), "acc", "x[i]")};`,
  );
}

function denseWeightGrad(plan: TrainingPlan, l: Dense): Kernel {
  const n = l.input.c;
  const m = l.output.c;
  return flatKernel(
    `dense${l.index}_dw`,
    [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind(`grad:${l.index}`, "dy", "f32"),
      bind("grads", "grads", "f32", true),
    ],
    n * m + m,
    `  var acc = 0.0;
  if (i >= ${n * m}u) {
    let o = i - ${n * m}u;
    for (var b = 0u; b < ${plan.batchSize}u; b++) { acc += dy[b * ${m}u + o]; }
    grads[${l.bias.offset}u + o] = acc;
    return;
  }
  let o = i % ${m}u;
  let k = i / ${m}u;
  for (var b = 0u; b < ${plan.batchSize}u; b++) { acc += x[b * ${n}u + k] * dy[b * ${m}u + o]; }
  grads[${l.kernel.offset}u + i] = acc;`,
  );
}

/** Routes each window's gradient to the input element that was its maximum. */
function poolGrad(plan: TrainingPlan, l: Extract<PlanLayer, { kind: "maxPool" }>): Kernel {
  const { input: s, output: o } = l;
  return flatKernel(
    `pool${l.index}_dx`,
    inputGradBindings(plan, l, bind(`poolIndex:${l.index}`, "arg", "u32")),
    plan.batchSize * s.h * s.w * s.c,
    `  let c = i % ${s.c}u;
  var t = i / ${s.c}u;
  let iw = t % ${s.w}u; t = t / ${s.w}u;
  let ih = t % ${s.h}u;
  let b = t / ${s.h}u;
  var g = 0.0;
  if (ih / 2u < ${o.h}u && iw / 2u < ${o.w}u) {
    let j = ((b * ${o.h}u + ih / 2u) * ${o.w}u + iw / 2u) * ${o.c}u + c;
    if (arg[j] == i) { g = dy[j]; }
  }
  dx[i] = ${reluGate(producedByRelu(plan, l.index - 1), "g", "x[i]")};`,
  );
}

function dropoutGrad(plan: TrainingPlan, l: Extract<PlanLayer, { kind: "dropout" }>): Kernel {
  const n = plan.batchSize * l.output.c * l.output.h * l.output.w;
  const gate = (v: string) => reluGate(producedByRelu(plan, l.index - 1), v, "x[i]");
  if (l.rate === 0) {
    return flatKernel(
      `dropout${l.index}_dx`,
      inputGradBindings(plan, l, null),
      n,
      `  dx[i] = ${gate("dy[i]")};`,
    );
  }
  return flatKernel(
    `dropout${l.index}_dx`,
    inputGradBindings(plan, l, bind("state", "state", "u32")),
    n,
    `  let g = select(0.0, dy[i] * ${lit(1 / (1 - l.rate))}, keep(state[1], state[0], i, ${
      dropoutThreshold(l.rate)
    }u));
  dx[i] = ${gate("g")};`,
    DROPOUT_HASH,
  );
}

/** The backward kernels of one step, in dispatch order (last layer first). */
export function backwardKernels(plan: TrainingPlan): Kernel[] {
  const kernels: Kernel[] = [];
  for (const l of [...plan.layers].reverse()) {
    const dx = l.backpropInput;
    if (l.kind === "conv2d") {
      if (dx) kernels.push(convInputGrad(plan, l));
      kernels.push(convWeightGrad(plan, l));
    } else if (l.kind === "dense") {
      if (dx) kernels.push(denseInputGrad(plan, l));
      kernels.push(denseWeightGrad(plan, l));
    } else if (l.kind === "maxPool" && dx) kernels.push(poolGrad(plan, l));
    else if (l.kind === "dropout" && dx) kernels.push(dropoutGrad(plan, l));
  }
  return kernels;
}
