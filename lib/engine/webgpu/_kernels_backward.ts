/**
 * WGSL for the backward half of a training step. Every kernel is a gather (one thread per
 * output element, no atomics): input gradients of conv / dense / pool / dropout /
 * activation, with the activation′ of the layer that produced the input fused in, and weight
 * + bias gradients written straight into the packed gradient array at the plan's offsets. A
 * stored `grad:<i>` of a layer with an activation is therefore the gradient w.r.t. its
 * pre-activation (for an activation layer: w.r.t. its input).
 *
 * @module
 */
import {
  isPlainConv,
  isPool2x2,
  type PlanLayer,
  producerActivation,
  type TrainingPlan,
} from "../plan.ts";
import { elements } from "./_cost.ts";
import { actName, denseTile } from "./_kernels_forward.ts";
import { gateCost, storeGated } from "./_activation.ts";
import { activationBackward } from "./_activation_layer.ts";
import { convTile, type Tuning } from "./_tiles.ts";
import { matmulTile } from "./_matmul_tile.ts";
import { splitMatmul } from "./_matmul_split.ts";
import { poolGrad } from "./_pool.ts";
import { generalPoolGrad } from "./_pool_general.ts";
import { filterGradRows } from "./_filter_grad.ts";
import { generalConvFilterGrad, generalConvInputGrad } from "./_conv_general.ts";
import { filterGradTile } from "./_filter_grad_gpu.ts";
import {
  bind,
  DROPOUT_HASH,
  dropoutThreshold,
  flatKernel,
  type Kernel,
  type KernelBinding,
  lit,
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
  const a = producerActivation(plan, l.index - 1);
  if (!isPlainConv(l)) {
    return generalConvInputGrad(
      l,
      `conv${l.index}_dx`,
      plan.batchSize,
      inputGradBindings(plan, l),
      {
        code: (acc) => storeGated(a, "dx[i]", acc, "x[i]"),
        ...gateCost(a),
      },
    );
  }
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
    kernelOffset: l.kernel.offset,
    flip: true,
    inStride: 1,
    outStride: output.c,
    store: (o, _oc, acc) => storeGated(a, `dx[${o}]`, acc, `x[${o}]`),
    storeCost: gateCost(a),
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
  if (!isPlainConv(l)) return generalConvFilterGrad(l, spec.label, plan.batchSize, spec.bindings);
  return tuning === "cpu" ? filterGradRows(spec) : filterGradTile(spec);
}

function denseInputGrad(plan: TrainingPlan, l: Dense, tuning: Tuning): Kernel[] {
  const n = l.input.c;
  const m = l.output.c;
  const a = producerActivation(plan, l.index - 1);
  const spec = {
    label: `dense${l.index}_dx`,
    bindings: inputGradBindings(plan, l),
    m: plan.batchSize,
    n,
    r: m,
    a: { array: "dy", base: (b: string) => `${b} * ${m}u`, stride: 1 },
    b: { array: "params", base: (k: string) => `${l.kernel.offset}u + ${k} * ${m}u`, stride: 1 },
    store: (b: string, k: string, acc: string) =>
      storeGated(a, `dx[${b} * ${n}u + ${k}]`, acc, `x[${b} * ${n}u + ${k}]`),
    storeCost: gateCost(a),
  };
  return tuning === "gpu" ? splitMatmul(spec) : [matmulTile({ ...spec, tile: denseTile(tuning) })];
}

function denseWeightGrad(plan: TrainingPlan, l: Dense, tuning: Tuning): Kernel[] {
  const n = l.input.c;
  const m = l.output.c;
  const batch = plan.batchSize;
  const spec = {
    label: `dense${l.index}_dw`,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind(`grad:${l.index}`, "dy", "f32"),
      bind("grads", "grads", "f32", true),
    ],
    m: n,
    n: m,
    r: batch,
    a: { array: "x", base: (k: string) => k, stride: n },
    b: { array: "dy", base: (o: string) => o, stride: m },
    store: (k: string, o: string, acc: string) =>
      `grads[${l.kernel.offset}u + ${k} * ${m}u + ${o}] = ${acc};`,
    storeCost: { flops: 0, reads: 0 },
  };
  if (tuning === "gpu") {
    // The bias gradient Σ_b dy[b] is the column sums of dy, split over the batch alike.
    const columnSums = {
      store: (o: string, acc: string) => `grads[${l.bias.offset}u + ${o}] = ${acc};`,
    };
    return splitMatmul({ ...spec, columnSums, overBatch: true });
  }
  return [matmulTile({
    ...spec,
    tile: denseTile(tuning),
    extra: {
      threads: m,
      body: `    var sum = 0.0;
    for (var b = 0u; b < ${batch}u; b++) { sum += dy[b * ${m}u + extra]; }
    grads[${l.bias.offset}u + extra] = sum;`,
      // dy is already counted as the product's operand; the bias gradient is written.
      cost: { flops: batch * m, bytes: 4 * m, serialLoop: batch },
    },
  })];
}

function dropoutGrad(plan: TrainingPlan, l: Extract<PlanLayer, { kind: "dropout" }>): Kernel {
  const n = elements(plan.batchSize, l.output);
  const a = producerActivation(plan, l.index - 1);
  const gate = gateCost(a);
  const cost = {
    flops: (l.rate === 0 ? 0 : n) + gate.flops * n,
    bytes: 4 * (2 + gate.reads) * n,
    serialLoop: 0,
  };
  if (l.rate === 0) {
    return flatKernel(
      `dropout${l.index}_dx`,
      inputGradBindings(plan, l, null),
      n,
      `  ${storeGated(a, "dx[i]", "dy[i]", "x[i]")}`,
      cost,
    );
  }
  return flatKernel(
    `dropout${l.index}_dx`,
    inputGradBindings(plan, l, bind("state", "state", "u32")),
    n,
    `  let g = select(0.0, dy[i] * ${lit(1 / (1 - l.rate))}, keep(state[1], state[0], i, ${
      dropoutThreshold(l.rate)
    }u));
  ${storeGated(a, "dx[i]", "g", "x[i]")}`,
    cost,
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
      if (dx) kernels.push(...denseInputGrad(plan, l, tuning));
      kernels.push(...denseWeightGrad(plan, l, tuning));
    } else if ((l.kind === "maxPool" || l.kind === "avgPool") && dx) {
      const into = gradName(plan, l.index - 1);
      kernels.push(
        l.kind === "maxPool" && isPool2x2(l)
          ? poolGrad(plan, l, into)
          : generalPoolGrad(plan, l, actName(plan, l.index - 1), into),
      );
    } else if (l.kind === "dropout" && dx) kernels.push(dropoutGrad(plan, l));
    else if (l.kind === "activation" && dx) {
      kernels.push(activationBackward(plan, l, inputGradBindings(plan, l, null)));
    }
  }
  return kernels;
}
