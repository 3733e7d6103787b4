/**
 * WGSL for the forward half of a training step, generated from a plan with every shape
 * baked in as a constant: the batch gather, conv + bias + activation, max-pools (recording
 * the argmax; `_pool.ts` for 2×2 stride 2, `_pool_general.ts` for the rest) and average pools,
 * dropout, dense + bias + activation, the activation layer (see
 * `_activation.ts` for the activations' WGSL), and one kernel for softmax + clipped
 * cross-entropy + its gradient + the loss and correct-count sums.
 *
 * @module
 */
import {
  isPlainConv,
  isPool2x2,
  type PlanLayer,
  producerActivation,
  storageLayer,
  type TrainingPlan,
} from "../plan.ts";
import { activationFlops, storeActivated } from "./_activation.ts";
import { generalConv } from "./_conv_general.ts";
import { activationForward } from "./_activation_layer.ts";
import { elements } from "./_cost.ts";
import { convTile, type Tuning } from "./_tiles.ts";
import { matmulTile } from "./_matmul_tile.ts";
import { splitMatmul } from "./_matmul_split.ts";
import { maxPool } from "./_pool.ts";
import { generalPool } from "./_pool_general.ts";
import { softmaxLoss } from "./_softmax_loss.ts";
import { bind, DROPOUT_HASH, dropoutThreshold, flatKernel, type Kernel, lit } from "./_wgsl.ts";

/** Block size of the dense layers' matrix products (see `MatmulTile.tile`). */
export function denseTile(tuning: Tuning): number {
  return tuning === "cpu" ? 8 : 4;
}

/** The buffer holding the output of layer `index` (−1: the batch's images). */
export function actName(plan: TrainingPlan, index: number): string {
  const s = storageLayer(plan, index);
  return s < 0 ? "images" : `act:${s}`;
}

/** Exact f32 values of byte / 255, as tfjs' `imagesToTensor` computes them. */
function pixelTable(): string {
  const values = Array.from({ length: 256 }, (_, b) => lit(b / 255));
  return `var<private> PIXEL: array<f32, 256> = array<f32, 256>(${values.join(", ")});`;
}

/**
 * Gathers the step's batch: sample `perm[step · stride + b]` of the on-device dataset
 * (bytes packed four per u32), normalised through the byte table; labels alongside.
 */
function gather(plan: TrainingPlan, stride: number): Kernel {
  const pixels = plan.input.h * plan.input.w * plan.input.c;
  return flatKernel(
    "gather",
    [
      bind("perm", "perm", "u32"),
      bind("dataset", "dataset", "u32"),
      bind("datasetLabels", "labelsAll", "u32"),
      bind("state", "state", "u32"),
      bind("images", "x", "f32", true),
      bind("labels", "y", "u32", true),
    ],
    plan.batchSize * pixels,
    `  let b = i / ${pixels}u;
  let p = i % ${pixels}u;
  let s = perm[state[0] * ${stride}u + b];
  let word = dataset[s * ${pixels / 4}u + p / 4u];
  x[i] = PIXEL[(word >> ((p % 4u) * 8u)) & 255u];
  if (p == 0u) { y[b] = labelsAll[s]; }`,
    // Bytes of the samples and their permutation entries and labels; images and labels out.
    { flops: 0, bytes: plan.batchSize * (pixels + 4 * 3 + 4 * pixels), serialLoop: 0 },
    pixelTable(),
  );
}

function conv(
  plan: TrainingPlan,
  l: Extract<PlanLayer, { kind: "conv2d" }>,
  tuning: Tuning,
): Kernel {
  const { input, output, kernelSize: k } = l;
  const bindings = [
    bind(actName(plan, l.index - 1), "x", "f32"),
    bind("params", "params", "f32"),
    bind(`act:${l.index}`, "y", "f32", true),
  ];
  if (!isPlainConv(l)) {
    return generalConv(l, `conv${l.index}`, plan.batchSize, bindings, {
      code: (acc, co) =>
        storeActivated(l.activation, "y[i]", `${acc} + params[${l.bias.offset}u + ${co}]`),
      flops: 1 + activationFlops(l.activation),
    });
  }
  return convTile({
    label: `conv${l.index}`,
    bindings,
    batch: plan.batchSize,
    src: "x",
    srcShape: input,
    dstShape: output,
    k,
    pad: l.pad,
    kernelOffset: l.kernel.offset,
    flip: false,
    inStride: output.c,
    outStride: 1,
    store: (o, oc, acc) =>
      storeActivated(l.activation, `y[${o}]`, `${acc} + params[${l.bias.offset}u + ${oc}]`),
    storeCost: { flops: 1 + activationFlops(l.activation), reads: 0 },
  }, tuning);
}

function dropout(plan: TrainingPlan, l: Extract<PlanLayer, { kind: "dropout" }>): Kernel {
  const n = elements(plan.batchSize, l.output);
  const bindings = [
    bind(actName(plan, l.index - 1), "x", "f32"),
    bind(`act:${l.index}`, "y", "f32", true),
  ];
  const cost = { flops: l.rate === 0 ? 0 : n, bytes: 8 * n, serialLoop: 0 };
  if (l.rate === 0) return flatKernel(`dropout${l.index}`, bindings, n, "  y[i] = x[i];", cost);
  return flatKernel(
    `dropout${l.index}`,
    [...bindings, bind("state", "state", "u32")],
    n,
    `  y[i] = select(0.0, x[i] * ${lit(1 / (1 - l.rate))}, keep(state[1], state[0], i, ${
      dropoutThreshold(l.rate)
    }u));`,
    cost,
    DROPOUT_HASH,
  );
}

function dense(
  plan: TrainingPlan,
  l: Extract<PlanLayer, { kind: "dense" }>,
  tuning: Tuning,
): Kernel[] {
  const n = l.input.c;
  const m = l.output.c;
  const spec = {
    label: `dense${l.index}`,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind("params", "params", "f32"),
      bind(`act:${l.index}`, "y", "f32", true),
    ],
    m: plan.batchSize,
    n: m,
    r: n,
    a: { array: "x", base: (b: string) => `${b} * ${n}u`, stride: 1 },
    b: { array: "params", base: (o: string) => `${l.kernel.offset}u + ${o}`, stride: m },
    store: (b: string, o: string, acc: string) =>
      storeActivated(
        l.activation,
        `y[${b} * ${m}u + ${o}]`,
        `${acc} + params[${l.bias.offset}u + ${o}]`,
      ),
    storeCost: { flops: 1 + activationFlops(l.activation), reads: 0 },
  };
  return tuning === "gpu" ? splitMatmul(spec) : [matmulTile({ ...spec, tile: denseTile(tuning) })];
}

/** The forward kernels of one step, in dispatch order (loss kernel last). */
export function forwardKernels(
  plan: TrainingPlan,
  stride: number,
  tuning: Tuning = "gpu",
): Kernel[] {
  const kernels = [gather(plan, stride)];
  for (const l of plan.layers) {
    if (l.kind === "conv2d") kernels.push(conv(plan, l, tuning));
    else if (l.kind === "maxPool" || l.kind === "avgPool") {
      const relu = producerActivation(plan, l.index - 1) === "relu";
      const input = actName(plan, l.index - 1);
      kernels.push(
        l.kind === "maxPool" && isPool2x2(l)
          ? maxPool(plan, l, input, relu)
          : generalPool(plan, l, input, relu),
      );
    } else if (l.kind === "dropout") kernels.push(dropout(plan, l));
    else if (l.kind === "dense") kernels.push(...dense(plan, l, tuning));
    else if (l.kind === "activation") {
      kernels.push(activationForward(plan, l, actName(plan, l.index - 1)));
    }
  }
  kernels.push(...softmaxLoss(plan, tuning));
  return kernels;
}
