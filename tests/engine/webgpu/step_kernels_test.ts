import assert from "node:assert/strict";
import { LLVMPIPE_LOOP_LIMIT, nestPasses } from "../../../lib/engine/webgpu/_loop_limit.ts";
import { planTraining } from "../../../lib/engine/plan.ts";
import { stepFlops } from "../../../lib/engine/plan_flops.ts";
import { type Kernel, stepKernels } from "../../../lib/engine/webgpu/step_kernels.ts";
import type { Architecture } from "../../../lib/models/architecture.ts";
import { parseArchitecture } from "../../../lib/models/arch_file/parse_architecture.ts";

// The seeds, the example with every activation in conv, dense and activation layers, the one
// with every kind of pool, LeNet-5, the one with bias-free convs, and batchNorm twice.
const example = async (file: string) =>
  parseArchitecture(
    await Deno.readTextFile(new URL(`../../../examples/${file}`, import.meta.url)),
  );
const ARCHS: (string | Architecture)[] = [
  "mlp",
  "cnn-basic",
  "cnn-wide",
  "cnn-deep",
  await example("activations.keras.json"),
  await example("pooling.keras.json"),
  await example("lenet5.keras.json"),
  await example("conv.keras.json"),
  {
    name: "batch-norm",
    description: "batchNorm on a conv's channels and on dense features",
    seeds: [],
    layers: [
      { type: "conv2d", filters: 8, kernelSize: 3, useBias: false, activation: "relu" },
      { type: "batchNorm" },
      { type: "maxPool", poolSize: 2 },
      { type: "flatten" },
      { type: "dense", units: 16, activation: "relu" },
      { type: "batchNorm" },
      { type: "dense", units: 10, activation: "softmax" },
    ],
    seedAccuracy: [],
    expectedParams: 0,
  },
];
const BATCHES = [1, 7, 64, 1024];
const TUNINGS = ["cpu", "gpu"] as const;
const RMSPROP = { kind: "rmsprop", learningRate: 1e-3, decay: 0.9, momentum: 0, epsilon: 1e-7 };
const ADAM = { kind: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

/**
 * The kernels add work the layer arithmetic does not have only where they split a sum
 * (the partial sums' second pass) or finish one in a workgroup: at most 2 % on these plans.
 */
const SPLIT_OVERHEAD = 0.02;

const name = (arch: string | Architecture) => (typeof arch === "string" ? arch : arch.name);

function* steps(): Generator<[string | Architecture, number, "cpu" | "gpu", Kernel[]]> {
  for (const arch of ARCHS) {
    for (const batch of BATCHES) {
      for (const tuning of TUNINGS) {
        yield [
          arch,
          batch,
          tuning,
          stepKernels(planTraining(arch, batch), RMSPROP as never, tuning),
        ];
      }
    }
  }
}

Deno.test("step kernels: FLOPs summed over a step match the plan's arithmetic", () => {
  for (const [arch, batch, tuning, kernels] of steps()) {
    const expected = stepFlops(planTraining(arch, batch), "rmsprop");
    const actual = kernels.reduce((sum, k) => sum + k.flops, 0);
    const where = `${name(arch)} b${batch} ${tuning}: ${actual} vs ${expected}`;
    assert.ok(actual >= expected, where);
    assert.ok(actual <= expected * (1 + SPLIT_OVERHEAD), where);
  }
});

Deno.test("step kernels: the optimizer's update FLOPs follow its kind", () => {
  const plan = planTraining("mlp", 8);
  const update = (spec: unknown) =>
    stepKernels(plan, spec as never, "gpu").find((k) => k.label === "update")!;
  assert.equal(update(RMSPROP).flops, 11 * plan.paramCount);
  assert.equal(update(ADAM).flops, 16 * plan.paramCount);
  assert.equal(update(ADAM).bytes, 4 * 7 * plan.paramCount);
});

Deno.test("step kernels: launch fields agree with the WGSL and the thread counts", () => {
  for (const [arch, batch, tuning, kernels] of steps()) {
    for (const k of kernels) {
      const where = `${name(arch)} b${batch} ${tuning} ${k.label}`;
      const size = /@workgroup_size\((\d+)\)/.exec(k.code);
      assert.equal(Number(size?.[1]), k.workgroupSize, where);
      for (const v of [k.flops, k.bytes, k.serialLoop, ...k.groups]) {
        assert.ok(Number.isInteger(v) && v >= 0, `${where}: ${v}`);
      }
      assert.ok(k.bytes > 0, where);
    }
  }
});

/**
 * The serial loop counted from the WGSL itself, for kernels whose every loop has constant
 * bounds (`for (var v = A; v < B; v++)`): each loop's trip count times one plus its inner
 * loops' counts, summed over the loops in sequence; a block that ends in `return;` is
 * another kind of invocation, so the worst kind counts.
 */
function wgslLoopCount(code: string): number | null {
  type Frame = { trip: number | null; sum: number; alt: number; returns: boolean };
  const frames: Frame[] = [{ trip: null, sum: 0, alt: 0, returns: false }];
  const open = (trip: number | null) => frames.push({ trip, sum: 0, alt: 0, returns: false });
  for (const t of code.matchAll(/for \(([^)]*)\) \{|\{|\}|return;/g)) {
    if (t[0] === "return;") frames.at(-1)!.returns = true;
    else if (t[0] === "}") {
      const f = frames.pop()!;
      const parent = frames.at(-1)!;
      if (f.trip !== null) parent.sum += f.trip * (1 + Math.max(f.sum, f.alt));
      else if (f.returns) parent.alt = Math.max(parent.alt, f.sum, f.alt);
      else {
        parent.sum += f.sum;
        parent.alt = Math.max(parent.alt, f.alt);
      }
    } else if (t[1] === undefined) open(null);
    else {
      const p = /^var (\w+) = (\d+)u; \1 < (\d+)u; \1\+\+$/.exec(t[1]);
      if (!p) return null;
      open(Number(p[3]) - Number(p[2]));
    }
  }
  return Math.max(frames[0]!.sum, frames[0]!.alt);
}

Deno.test("step kernels: serialLoop matches the loops of the GPU-tuned WGSL", () => {
  let checked = 0;
  for (const [arch, batch, tuning, kernels] of steps()) {
    if (tuning !== "gpu") continue;
    for (
      const k of kernels.filter((k) =>
        /^(conv\d+(_dx|_dw|_dw_sum)?|dense\d+(_dx|_dw)?(_sum)?|softmax_loss(_sum)?)$/.test(k.label)
      )
    ) {
      const counted = wgslLoopCount(k.code);
      assert.notEqual(counted, null, `${name(arch)} b${batch} ${k.label}: loops not constant`);
      assert.equal(k.serialLoop, counted, `${name(arch)} b${batch} ${k.label}`);
      checked++;
    }
  }
  assert.ok(checked > 150, `${checked} kernels checked`);
});

Deno.test("step kernels: the dense weight gradient loops once over the batch per thread", () => {
  const k = stepKernels(planTraining("cnn-deep", 64), RMSPROP as never, "cpu")
    .find((k) => k.label === "dense7_dw")!;
  assert.equal(k.serialLoop, 64);
});

Deno.test("step kernels: llvmpipe's cnn-deep filter gradient splits its batch to fit the loop budget", () => {
  // conv2 (13 × 13 × 32 → 11 × 11 × 64) has 48 thread blocks, enough not to split the batch
  // for threads; a thread walks its images × 11 rows × 11 columns, each loop counted as
  // llvmpipe counts it. At batch 1024 that would be 148,481 passes, so the batch goes in
  // three parts of 342 images.
  const kernel = (batch: number) =>
    stepKernels(planTraining("cnn-deep", batch), RMSPROP as never, "cpu")
      .find((k) => k.label === "conv2_dw")!;
  assert.equal(nestPasses([1024, 11, 11]), 148_481);
  assert.equal(kernel(1024).serialLoop, nestPasses([342, 11, 11]));
  assert.ok(kernel(1024).serialLoop <= LLVMPIPE_LOOP_LIMIT);
  assert.equal(kernel(64).serialLoop, nestPasses([64, 11, 11]));
});
