/**
 * Shared pieces of the engine tests: architectures with dropout switched off, a reference
 * run of the tfjs path on the `cpu` backend, and the state comparison.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { Architecture } from "../../lib/models/architecture.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { createOptimizer } from "../../lib/train/optimizer.ts";
import type { EpochResult, EpochRunner, EpochRunnerInput } from "../../lib/runner/epoch_runner.ts";
import type { MnistSplit } from "../../lib/data/types.ts";
import { mulberry32 } from "../../lib/random.ts";
import { type EngineCheckReport, runEngineCheck } from "../../lib/engine/check/engine_check.ts";
import { checkDevice } from "../../lib/engine/check/_check_device.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";

/** The architecture with every dropout rate set to `rate` (0: off). */
export function withDropout(name: string, rate: number): Architecture {
  const arch = getArchitecture(name);
  return {
    ...arch,
    layers: arch.layers.map((l) => (l.type === "dropout" ? { ...l, rate } : l)),
  };
}

/** A model (seeded weights) and its recipe's optimizer, as a runner input. */
export function runnerInput(
  arch: Architecture,
  train: MnistSplit,
  batchSize: number,
  seed = 5,
): EpochRunnerInput {
  return {
    arch,
    model: buildModel(arch, { seed }),
    optimizer: createOptimizer(arch.recipe!.optimizer, arch.recipe!.learningRate),
    train,
    batchSize,
  };
}

/** Runs `epochs` epochs with a seeded PRNG; returns each epoch's result. */
export async function runEpochs(
  runner: EpochRunner,
  epochs: number,
  seed = 11,
): Promise<EpochResult[]> {
  const random = mulberry32(seed);
  const results = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    results.push(await runner.runEpoch({ epoch, epochs, random, progressUpdates: 2 }));
  }
  return results;
}

/** Weights and optimizer state of a run, downloaded. */
export interface RunState {
  weights: Float32Array[];
  /** Non-trainable weights (batchNorm's moving mean and variance; none without one). */
  moving: Float32Array[];
  slots: Float32Array[];
  iterations: number;
}

/** Downloads the model's weights and the optimizer's weights (slots after `iter`). */
export async function stateOf(input: EpochRunnerInput): Promise<RunState> {
  const weights = input.model.trainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const moving = input.model.nonTrainableWeights.map((w) => w.read().dataSync() as Float32Array);
  const named = await input.optimizer.getWeights();
  const slots = named.slice(1).map((n) => n.tensor.dataSync() as Float32Array);
  return { weights, moving, slots, iterations: input.optimizer.iterations };
}

/** ‖a − e‖∞ / ‖e‖∞ (NaN fails). */
export function relativeError(actual: Float32Array, expected: Float32Array, what: string): number {
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < expected.length; i++) {
    assert.ok(!Number.isNaN(actual[i]!) && !Number.isNaN(expected[i]!), `${what}: NaN at ${i}`);
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    ref = Math.max(ref, Math.abs(expected[i]!));
  }
  return ref === 0 ? diff : diff / ref;
}

/** Asserts two run states agree within `tolerance` (relative, per tensor). */
export function assertStatesClose(actual: RunState, expected: RunState, tolerance = 1e-4): void {
  assert.equal(actual.iterations, expected.iterations, "optimizer iterations");
  assert.equal(actual.weights.length, expected.weights.length);
  assert.equal(actual.slots.length, expected.slots.length, "optimizer slot count");
  actual.weights.forEach((w, i) => {
    const e = relativeError(w, expected.weights[i]!, `weight ${i}`);
    assert.ok(e <= tolerance, `weight ${i}: relative error ${e}`);
  });
  assert.equal(actual.moving.length, expected.moving.length, "non-trainable weight count");
  actual.moving.forEach((m, i) => {
    const e = relativeError(m, expected.moving[i]!, `moving ${i}`);
    assert.ok(e <= tolerance, `non-trainable weight ${i}: relative error ${e}`);
  });
  actual.slots.forEach((s, i) => {
    const e = relativeError(s, expected.slots[i]!, `slot ${i}`);
    assert.ok(e <= tolerance, `optimizer slot ${i}: relative error ${e}`);
  });
}

/**
 * The engine check on wasm and both WebGPU tunings (WebGPU where this runtime has it): every
 * row within tolerance, each row's worst error printed. Returns the report.
 */
export async function checkEveryEngine(
  arch: Architecture,
  batchSize: number,
): Promise<EngineCheckReport> {
  const gpu = HAS_WEBGPU ? await checkDevice() : null;
  try {
    const report = await runEngineCheck({ arch, batchSize, tunings: ["gpu", "cpu"], gpu });
    assert.equal(report.rows.length, HAS_WEBGPU ? 3 : 1);
    for (const row of report.rows) {
      console.log(
        `${row.engine} ${row.tuning ?? ""}: worst ${row.worst.tensor} ${row.worst.error}`,
      );
      assert.ok(
        row.ok,
        `${row.engine} ${row.tuning ?? ""}: ${row.worst.tensor} ${row.worst.error}`,
      );
    }
    assert.ok(report.ok);
    return report;
  } finally {
    gpu?.device.destroy();
  }
}
