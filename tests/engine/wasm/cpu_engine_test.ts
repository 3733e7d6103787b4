import assert from "node:assert/strict";
import { syntheticSplit, useCpu } from "../../_synthetic.ts";
import { relativeError, withDropout } from "../_engine_test_utils.ts";
import { loadSplit, referenceGradient, referenceModel } from "./_reference.ts";
import { createCpuEngine } from "../../../lib/engine/wasm/cpu_engine.ts";
import type { Architecture } from "../../../lib/models/architecture.ts";
import type { OptimizerSpec } from "../../../lib/engine/plan.ts";

const RMSPROP: OptimizerSpec = {
  kind: "rmsprop",
  learningRate: 1e-3,
  decay: 0.9,
  momentum: 0,
  epsilon: 1e-7,
};

// Odd sizes on purpose: a 3×3 "same" conv on 16 channels (Winograd with padding, 13×13 output:
// odd tiles), a 5×5 "same" conv on 16 channels (im2col, padding on both sides, 169 rows: not a
// multiple of 4), 13 → 6 → 3 pooling (floor), 12 and 13 columns (every kernel's tails).
const ODD: Architecture = {
  name: "odd",
  description: "edge shapes",
  seeds: [],
  layers: [
    { type: "conv2d", filters: 16, kernelSize: 3 },
    { type: "maxPool", poolSize: 2 },
    { type: "conv2d", filters: 16, kernelSize: 3, padding: "same" },
    { type: "conv2d", filters: 12, kernelSize: 5, padding: "same" },
    { type: "maxPool", poolSize: 2 },
    { type: "maxPool", poolSize: 2 },
    { type: "flatten" },
    { type: "dense", units: 13, activation: "relu" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "rmsprop", learningRate: 1e-3, batchSize: 8, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};

/** Loss and every parameter's gradient of one step vs tfjs' cpu backend. */
async function checkGradients(arch: Architecture, threads: number): Promise<void> {
  await useCpu();
  const engine = await createCpuEngine({
    arch,
    batchSize: 8,
    samples: 5,
    threads,
    optimizer: RMSPROP,
  });
  const { model, packed } = referenceModel(arch, 3);
  try {
    const split = syntheticSplit(5, 7); // a tail batch: 5 of 8
    engine.params.set(packed);
    loadSplit(engine, split);
    engine.step(5, 0, [1], false);
    const expected = referenceGradient(model, split);
    const loss = engine.takeSums().loss / 5;
    assert.ok(Math.abs(loss - expected.loss) <= 1e-4 * expected.loss, `${arch.name}: loss ${loss}`);
    for (const p of engine.plan.params) {
      const at = (a: Float32Array) => a.subarray(p.offset, p.offset + p.length);
      const e = relativeError(at(engine.gradient), at(expected.gradient), `${arch.name} ${p.name}`);
      assert.ok(e <= 1e-4, `${arch.name} ${p.name} (${threads} threads): relative error ${e}`);
    }
  } finally {
    engine.dispose();
    model.dispose();
  }
}

for (const name of ["mlp", "cnn-basic", "cnn-wide", "cnn-deep"]) {
  Deno.test(`cpu engine: every kernel's gradient of a ${name} tail batch matches tfjs cpu`, async () => {
    await checkGradients(withDropout(name, 0), 2);
  });
}

Deno.test("cpu engine: odd shapes (padding, floor pooling, column tails), 1 and 3 threads", async () => {
  await checkGradients(ODD, 1);
  await checkGradients(ODD, 3);
});

async function seededRun(seed: number, threads: number): Promise<Float32Array> {
  const engine = await createCpuEngine({
    arch: "mlp",
    batchSize: 8,
    samples: 32,
    threads,
    optimizer: { kind: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  });
  try {
    for (let i = 0; i < engine.params.length; i++) engine.params[i] = Math.sin(i) * 0.05;
    loadSplit(engine, syntheticSplit(32, 1));
    for (let step = 0; step < 4; step++) engine.step(8, step * 8, [seed + step]);
    return engine.params.slice();
  } finally {
    engine.dispose();
  }
}

Deno.test("cpu engine: seeded runs (dropout on) are bit-identical; another seed differs", async () => {
  const [a, b, c] = [await seededRun(1, 2), await seededRun(1, 2), await seededRun(2, 2)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // Dropout masks hash (seed, sample, unit), so they do not depend on the thread count.
  assert.ok(relativeError(await seededRun(1, 1), a, "1 vs 2 threads") <= 1e-5);
});

Deno.test("cpu engine: a NaN weight gives a NaN loss (not a clipped finite one)", async () => {
  const engine = await createCpuEngine({
    arch: "mlp",
    batchSize: 4,
    samples: 4,
    threads: 1,
    optimizer: RMSPROP,
  });
  try {
    engine.params.fill(0.01);
    engine.params[engine.plan.params[2]!.offset] = NaN;
    loadSplit(engine, syntheticSplit(4, 1));
    engine.step(4, 0, [1]);
    assert.ok(Number.isNaN(engine.takeSums().loss));
  } finally {
    engine.dispose();
  }
});
