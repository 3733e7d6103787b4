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
import { convTile, type Tuning } from "./_tiles.ts";
import { matmulTile } from "./_matmul_tile.ts";
import { filterGradRows, filterGradTile } from "./_filter_grad.ts";
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

function convInputGrad(plan: TrainingPlan, l: Conv, tuning: Tuning): Kernel {
  const { input, output, kernelSize: k } = l;
  const relu = producedByRelu(plan, l.index - 1);
  // dx is the convolution of dy with the kernel flipped and its channel axes swapped.
  return convTile({
    label: `conv${l.index}_dx`,
    bindings: inputGradBindings(plan, l),
    batch: plan.batchSize,
    src: "dy",
    srcShape: output,
    dstShape: input,
    k,
    pad: k - 1 - l.pad,
    wBase: (kh, kw) =>
      `${l.kernel.offset}u + ((${k - 1}u - ${kh}) * ${k}u + ${k - 1}u - ${kw}) * ${
        input.c * output.c
      }u`,
    inStride: 1,
    outStride: output.c,
    store: (o, _oc, acc) => `dx[${o}] = ${reluGate(relu, acc, `x[${o}]`)};`,
  }, tuning);
}

function convWeightGrad(plan: TrainingPlan, l: Conv, tuning: Tuning): Kernel[] {
  const spec = {
    label: `conv${l.index}_dw`,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind(`grad:${l.index}`, "dy", "f32"),
      bind("grads", "grads", "f32", true),
    ],
    batch: plan.batchSize,
    input: l.input,
    output: l.output,
    k: l.kernelSize,
    pad: l.pad,
    kernelOffset: l.kernel.offset,
    biasOffset: l.bias.offset,
  };
  return tuning === "cpu" ? filterGradRows(spec) : filterGradTile(spec);
}

function denseInputGrad(plan: TrainingPlan, l: Dense): Kernel {
  const n = l.input.c;
  const m = l.output.c;
  const relu = producedByRelu(plan, l.index - 1);
  return matmulTile({
    label: `dense${l.index}_dx`,
    bindings: inputGradBindings(plan, l),
    m: plan.batchSize,
    n,
    r: m,
    a: { array: "dy", base: (b) => `${b} * ${m}u`, stride: 1 },
    b: { array: "params", base: (k) => `${l.kernel.offset}u + ${k} * ${m}u`, stride: 1 },
    store: (b, k, acc) =>
      `dx[${b} * ${n}u + ${k}] = ${reluGate(relu, acc, `x[${b} * ${n}u + ${k}]`)};`,
  });
}

function denseWeightGrad(plan: TrainingPlan, l: Dense): Kernel {
  const n = l.input.c;
  const m = l.output.c;
  return matmulTile({
    label: `dense${l.index}_dw`,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind(`grad:${l.index}`, "dy", "f32"),
      bind("grads", "grads", "f32", true),
    ],
    m: n,
    n: m,
    r: plan.batchSize,
    a: { array: "x", base: (k) => k, stride: n },
    b: { array: "dy", base: (o) => o, stride: m },
    store: (k, o, acc) => `grads[${l.kernel.offset}u + ${k} * ${m}u + ${o}] = ${acc};`,
    extra: {
      threads: m,
      body: `    var sum = 0.0;
    for (var b = 0u; b < ${plan.batchSize}u; b++) { sum += dy[b * ${m}u + extra]; }
    grads[${l.bias.offset}u + extra] = sum;`,
    },
  });
}

/**
 * Routes each window's gradient to the input element that was its maximum, one thread per
 * 2×2 block of the input (the blocks past the last window of an odd size get zeros). The
 * ReLU′ of the max is read from the pool's own output (positive iff the max was), one load
 * per window instead of one per input element.
 */
function poolGrad(plan: TrainingPlan, l: Extract<PlanLayer, { kind: "maxPool" }>): Kernel {
  const { input: s, output: o } = l;
  const bh = Math.ceil(s.h / 2);
  const bw = Math.ceil(s.w / 2);
  const relu = producedByRelu(plan, l.index - 1);
  const cells = [0, 1, 2, 3];
  return flatKernel(
    `pool${l.index}_dx`,
    [
      bind(`grad:${l.index}`, "dy", "f32"),
      bind(`poolIndex:${l.index}`, "arg", "u32"),
      bind(`act:${l.index}`, "y", "f32"),
      bind(gradName(plan, l.index - 1), "dx", "f32", true),
    ],
    plan.batchSize * bh * bw * s.c,
    `  let c = i % ${s.c}u;
  var t = i / ${s.c}u;
  let pw = t % ${bw}u; t = t / ${bw}u;
  let ph = t % ${bh}u;
  let b = t / ${bh}u;
  var g = 0.0;
  var at = 0xffffffffu;
  if (ph < ${o.h}u && pw < ${o.w}u) {
    let j = ((b * ${o.h}u + ph) * ${o.w}u + pw) * ${o.c}u + c;
    at = arg[j];
    g = ${relu ? "select(0.0, dy[j], y[j] > 0.0)" : "dy[j]"};
  }
  let first = ((b * ${s.h}u + ph * 2u) * ${s.w}u + pw * 2u) * ${s.c}u + c;
${
      cells.map((k) => {
        const dh = k >> 1;
        const dw = k & 1;
        const idx = `first + ${dh * s.w * s.c + dw * s.c}u`;
        const inside = [dh ? `ph * 2u + 1u < ${s.h}u` : "", dw ? `pw * 2u + 1u < ${s.w}u` : ""]
          .filter(Boolean).join(" && ");
        const write = `dx[${idx}] = select(0.0, g, at == ${idx});`;
        return inside ? `  if (${inside}) { ${write} }` : `  ${write}`;
      }).join("\n")
    }`,
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
export function backwardKernels(plan: TrainingPlan, tuning: Tuning = "gpu"): Kernel[] {
  const kernels: Kernel[] = [];
  for (const l of [...plan.layers].reverse()) {
    const dx = l.backpropInput;
    if (l.kind === "conv2d") {
      if (dx) kernels.push(convInputGrad(plan, l, tuning));
      kernels.push(...convWeightGrad(plan, l, tuning));
    } else if (l.kind === "dense") {
      if (dx) kernels.push(denseInputGrad(plan, l));
      kernels.push(denseWeightGrad(plan, l));
    } else if (l.kind === "maxPool" && dx) kernels.push(poolGrad(plan, l));
    else if (l.kind === "dropout" && dx) kernels.push(dropoutGrad(plan, l));
  }
  return kernels;
}
