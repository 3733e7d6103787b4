/**
 * The conv2d kind: forward conv + bias + activation, the input gradient (the convolution of
 * dy with the flipped kernel, the producer's activation′ fused in) and the kernel and bias
 * gradients. Square stride-1 convs take the tiled kernels (`_tiles.ts`, and for the filter
 * gradient `_filter_grad.ts` on llvmpipe, `_filter_grad_gpu.ts` on GPUs); every other conv the
 * general ones (`_conv_general.ts`).
 *
 * @module
 */
import { isPlainConv, producerActivation, type TrainingPlan } from "../../plan.ts";
import { activationFlops, gateCost, storeActivated, storeGated } from "../_activation.ts";
import { generalConv, generalConvFilterGrad, generalConvInputGrad } from "../_conv_general.ts";
import { filterGradRows } from "../_filter_grad.ts";
import { filterGradTile } from "../_filter_grad_gpu.ts";
import { convTile, type Tuning } from "../_tiles.ts";
import { bind, type Kernel } from "../_wgsl.ts";
import {
  actName,
  inputGradBindings,
  type KindKernels,
  type LayerOf,
  weightGradBindings,
} from "./_kind.ts";

type Conv = LayerOf<"conv2d">;

function forward(plan: TrainingPlan, l: Conv, tuning: Tuning): Kernel[] {
  const bindings = [
    bind(actName(plan, l.index - 1), "x", "f32"),
    bind("params", "params", "f32"),
    bind(`act:${l.index}`, "y", "f32", true),
  ];
  if (!isPlainConv(l)) {
    return [generalConv(l, `conv${l.index}`, plan.batchSize, bindings, {
      code: (acc, co) =>
        storeActivated(l.activation, "y[i]", `${acc} + params[${l.bias.offset}u + ${co}]`),
      flops: 1 + activationFlops(l.activation),
    })];
  }
  return [convTile({
    label: `conv${l.index}`,
    bindings,
    batch: plan.batchSize,
    src: "x",
    srcShape: l.input,
    dstShape: l.output,
    k: l.kernelSize,
    pad: l.pad,
    kernelOffset: l.kernel.offset,
    flip: false,
    inStride: l.output.c,
    outStride: 1,
    store: (o, oc, acc) =>
      storeActivated(l.activation, `y[${o}]`, `${acc} + params[${l.bias.offset}u + ${oc}]`),
    storeCost: { flops: 1 + activationFlops(l.activation), reads: 0 },
  }, tuning)];
}

function inputGrad(plan: TrainingPlan, l: Conv, tuning: Tuning): Kernel {
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

function weightGrad(plan: TrainingPlan, l: Conv, tuning: Tuning): Kernel[] {
  const spec = {
    label: `conv${l.index}_dw`,
    bindings: weightGradBindings(plan, l),
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

/** The conv2d kind's kernels. */
export const conv2dKernels: KindKernels<Conv> = {
  forward: (plan, l, tuning) => forward(plan, l, tuning),
  backward: (plan, l, tuning) => [
    ...(l.backpropInput ? [inputGrad(plan, l, tuning)] : []),
    ...weightGrad(plan, l, tuning),
  ],
};
