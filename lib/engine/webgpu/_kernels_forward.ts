/**
 * WGSL for the forward half of a training step, generated from a plan with every shape
 * baked in as a constant: the batch gather, conv + bias + ReLU, 2×2 max-pool (recording
 * the argmax), dropout, dense + bias (+ ReLU), and one kernel for softmax + clipped
 * cross-entropy + its gradient + the loss and correct-count sums.
 *
 * @module
 */
import { LOSS_EPSILON, type PlanLayer, storageLayer, type TrainingPlan } from "../plan.ts";
import { softmaxRowFlops } from "../plan_flops.ts";
import { elements } from "./_cost.ts";
import { convTile, type Tuning } from "./_tiles.ts";
import { matmulTile } from "./_matmul_tile.ts";
import { maxPool } from "./_pool.ts";
import {
  bind,
  DROPOUT_HASH,
  dropoutThreshold,
  flatKernel,
  groupKernel,
  type Kernel,
  lit,
} from "./_wgsl.ts";

/** Block size of the dense layers' matrix products (see `MatmulTile.tile`). */
export function denseTile(tuning: Tuning): number {
  return tuning === "cpu" ? 8 : 4;
}

/** The buffer holding the output of layer `index` (−1: the batch's images). */
export function actName(plan: TrainingPlan, index: number): string {
  const s = storageLayer(plan, index);
  return s < 0 ? "images" : `act:${s}`;
}

/** Whether the layer storing layer `index`'s output applied a ReLU. */
export function producedByRelu(plan: TrainingPlan, index: number): boolean {
  const s = storageLayer(plan, index);
  const l = plan.layers[s];
  return l !== undefined &&
    (l.kind === "conv2d" || (l.kind === "dense" && l.activation === "relu"));
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
  return convTile({
    label: `conv${l.index}`,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind("params", "params", "f32"),
      bind(`act:${l.index}`, "y", "f32", true),
    ],
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
    store: (o, oc, acc) => `y[${o}] = max(${acc} + params[${l.bias.offset}u + ${oc}], 0.0);`,
    storeCost: { flops: 2, reads: 0 },
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
): Kernel {
  const n = l.input.c;
  const m = l.output.c;
  const relu = l.activation === "relu";
  return matmulTile({
    label: `dense${l.index}`,
    bindings: [
      bind(actName(plan, l.index - 1), "x", "f32"),
      bind("params", "params", "f32"),
      bind(`act:${l.index}`, "y", "f32", true),
    ],
    m: plan.batchSize,
    n: m,
    r: n,
    a: { array: "x", base: (b) => `${b} * ${n}u`, stride: 1 },
    b: { array: "params", base: (o) => `${l.kernel.offset}u + ${o}`, stride: m },
    tile: denseTile(tuning),
    store: (b, o, acc) => {
      const value = `${acc} + params[${l.bias.offset}u + ${o}]`;
      return `y[${b} * ${m}u + ${o}] = ${relu ? `max(${value}, 0.0)` : value};`;
    },
    storeCost: { flops: relu ? 2 : 1, reads: 0 },
  });
}

/**
 * Softmax over the logits (in place: the buffer ends up holding probabilities), Keras'
 * clipped cross-entropy, its gradient w.r.t. the logits — `(p − onehot) / batch`, zero for
 * a row whose label probability the clip cut — and the batch's loss and correct sums added
 * to `scalars[0]` and `scalars[1]`.
 */
function softmaxLoss(plan: TrainingPlan): Kernel {
  const last = plan.layers.at(-1)!;
  const c = plan.classes;
  const batch = plan.batchSize;
  return groupKernel(
    "softmax_loss",
    [
      bind(`act:${last.index}`, "z", "f32", true),
      bind(`grad:${last.index}`, "dz", "f32", true),
      bind("labels", "y", "u32"),
      bind("scalars", "scalars", "f32", true),
    ],
    `var<workgroup> lossPart: array<f32, 64>;
var<workgroup> hitPart: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  var loss = 0.0;
  var hits = 0.0;
  for (var r = lid; r < ${batch}u; r += 64u) {
    let base = r * ${c}u;
    var m = z[base];
    for (var j = 1u; j < ${c}u; j++) { m = max(m, z[base + j]); }
    var sum = 0.0;
    for (var j = 0u; j < ${c}u; j++) { sum += exp(z[base + j] - m); }
    let label = y[r];
    var best = 0u;
    for (var j = 0u; j < ${c}u; j++) {
      let p = exp(z[base + j] - m) / sum;
      z[base + j] = p;
      if (p > z[base + best]) { best = j; }
    }
    let pl = z[base + label];
    loss -= log(min(max(pl, ${lit(LOSS_EPSILON)}), ${lit(1 - LOSS_EPSILON)}));
    if (best == label) { hits += 1.0; }
    let inside = pl >= ${lit(LOSS_EPSILON)} && pl <= ${lit(1 - LOSS_EPSILON)};
    for (var j = 0u; j < ${c}u; j++) {
      let hot = select(0.0, 1.0, j == label);
      dz[base + j] = select(0.0, (z[base + j] - hot) / ${lit(batch)}, inside);
    }
  }
  lossPart[lid] = loss;
  hitPart[lid] = hits;
  workgroupBarrier();
  if (lid == 0u) {
    var l = 0.0;
    var h = 0.0;
    for (var k = 0u; k < 64u; k++) { l += lossPart[k]; h += hitPart[k]; }
    scalars[0] += l;
    scalars[1] += h;
  }
}`,
    { groups: 1, workgroupSize: 64 },
    {
      // The 64 partial sums of the loss and the hits added last.
      flops: batch * softmaxRowFlops(c) + 2 * 64,
      bytes: 4 * (3 * batch * c + batch + 2),
      // Each of the 64 invocations takes every 64th row (4 loops over the classes), then
      // the first adds up the partial sums.
      serialLoop: Math.ceil(batch / 64) * (4 * c - 1) + 64,
    },
  );
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
    else if (l.kind === "maxPool") {
      kernels.push(
        maxPool(plan, l, actName(plan, l.index - 1), producedByRelu(plan, l.index - 1)),
      );
    } else if (l.kind === "dropout") kernels.push(dropout(plan, l));
    else if (l.kind === "dense") kernels.push(dense(plan, l, tuning));
  }
  kernels.push(softmaxLoss(plan));
  return kernels;
}
