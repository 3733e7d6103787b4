/**
 * Softmax over the logits (in place: the buffer ends up holding probabilities), Keras'
 * clipped cross-entropy, its gradient w.r.t. the logits — `(p − onehot) / batch`, zero for
 * a row whose label probability the clip cut — and the batch's loss and correct sums added
 * to `scalars[0]` and `scalars[1]`. On llvmpipe one workgroup of 64 takes every 64th row;
 * on GPUs each row is one thread, each workgroup sums its 64 rows in a tree, and with more
 * than one workgroup a second dispatch adds the workgroups' sums (`_split_reduce.ts`). The
 * inference program's softmax (probabilities only, one thread a row) is here too.
 *
 * @module
 */
import { LOSS_EPSILON, type TrainingPlan } from "../plan.ts";
import { softmaxRowFlops } from "../plan_flops.ts";
import { GPU_WORKGROUP } from "./_gpu_sizing.ts";
import { splitReduce } from "./_split_reduce.ts";
import type { Tuning } from "./_tiles.ts";
import { bind, flatKernel, groupKernel, type Kernel, lit } from "./_wgsl.ts";

/** WGSL for row `r` (indented for a loop body): probabilities, gradient, loss and hits. */
function row(c: number, batch: number): string {
  return `    let base = r * ${c}u;
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
    }`;
}

/** The loss kernels of `plan`'s step (one, or two on a GPU past 64 rows). */
export function softmaxLoss(plan: TrainingPlan, tuning: Tuning): Kernel[] {
  const last = plan.layers.at(-1)!;
  const bindings = [
    bind(`act:${last.index}`, "z", "f32", true),
    bind(`grad:${last.index}`, "dz", "f32", true),
    bind("labels", "y", "u32"),
    bind("scalars", "scalars", "f32", true),
  ];
  return tuning === "gpu" ? parallelLoss(plan, bindings) : [singleGroupLoss(plan, bindings)];
}

function singleGroupLoss(plan: TrainingPlan, bindings: ReturnType<typeof bind>[]): Kernel {
  const c = plan.classes;
  const batch = plan.batchSize;
  return groupKernel(
    "softmax_loss",
    bindings,
    `var<workgroup> lossPart: array<f32, 64>;
var<workgroup> hitPart: array<f32, 64>;
@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) lid: u32) {
  var loss = 0.0;
  var hits = 0.0;
  for (var r = lid; r < ${batch}u; r += 64u) {
${row(c, batch)}
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
      serialLoop: Math.ceil(batch / 64) * 4 * c + 64,
    },
  );
}

function parallelLoss(plan: TrainingPlan, bindings: ReturnType<typeof bind>[]): Kernel[] {
  const c = plan.classes;
  const batch = plan.batchSize;
  const groups = Math.ceil(batch / GPU_WORKGROUP);
  const tree = [];
  for (let s = GPU_WORKGROUP / 2; s >= 1; s /= 2) {
    tree.push(`  if (lid < ${s}u) {
    lossPart[lid] += lossPart[lid + ${s}u];
    hitPart[lid] += hitPart[lid + ${s}u];
  }
  workgroupBarrier();`);
  }
  const out = groups === 1
    ? "scalars[0] += lossPart[0];\n    scalars[1] += hitPart[0];"
    : "scratch[g * 2u] = lossPart[0];\n    scratch[g * 2u + 1u] = hitPart[0];";
  const main = groupKernel(
    "softmax_loss",
    [
      ...bindings.slice(0, 3),
      bind(groups === 1 ? "scalars" : "scratch", groups === 1 ? "scalars" : "scratch", "f32", true),
    ],
    `var<workgroup> lossPart: array<f32, ${GPU_WORKGROUP}>;
var<workgroup> hitPart: array<f32, ${GPU_WORKGROUP}>;
@compute @workgroup_size(${GPU_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let g = wid.x + wid.y * ng.x;
  let r = g * ${GPU_WORKGROUP}u + lid;
  var loss = 0.0;
  var hits = 0.0;
  if (r < ${batch}u) {
${row(c, batch)}
  }
  lossPart[lid] = loss;
  hitPart[lid] = hits;
  workgroupBarrier();
${tree.join("\n")}
  if (lid == 0u && g < ${groups}u) {
    ${out}
  }
}`,
    { groups, workgroupSize: GPU_WORKGROUP },
    {
      // Each workgroup's tree adds 63 pairs of loss and hit sums.
      flops: batch * softmaxRowFlops(c) + 2 * (GPU_WORKGROUP - 1) * groups,
      bytes: 4 * (3 * batch * c + batch + 2 * groups),
      serialLoop: 4 * c - 1,
    },
  );
  if (groups === 1) return [main];
  const reduce = splitReduce({
    label: "softmax_loss_sum",
    parts: groups,
    size: 2,
    store: (e, sum) => `scalars[${e}] += ${sum};`,
    storeFlops: 2,
    bindings: [bindings[3]!],
  });
  return [{ ...main, scratch: 2 * groups }, reduce];
}

/**
 * Inference's softmax: each row of the last layer's logits replaced by its probabilities,
 * computed as the training step computes them (`exp(z − max) / Σ`), one thread per row.
 */
export function softmaxProbabilities(plan: TrainingPlan): Kernel {
  const c = plan.classes;
  return flatKernel(
    "softmax",
    [bind(`act:${plan.layers.at(-1)!.index}`, "z", "f32", true)],
    plan.batchSize,
    `  let base = i * ${c}u;
  var m = z[base];
  for (var j = 1u; j < ${c}u; j++) { m = max(m, z[base + j]); }
  var sum = 0.0;
  for (var j = 0u; j < ${c}u; j++) { sum += exp(z[base + j] - m); }
  for (var j = 0u; j < ${c}u; j++) { z[base + j] = exp(z[base + j] - m) / sum; }`,
    // The max, the exps (twice), the sum and the division of each class.
    { flops: 6 * c * plan.batchSize, bytes: 8 * c * plan.batchSize, serialLoop: 3 * c },
  );
}
