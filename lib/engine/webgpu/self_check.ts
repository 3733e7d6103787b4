/**
 * The compiled engine's parity check on this adapter: three steps (one a tail batch) of a
 * tiny model that uses every layer kind of the vocabulary, run once by the engine and once
 * by the tfjs path on the active backend from the same weights and sample order; the
 * weights must agree within 1e-3 relative (looser than the CI's 1e-4 against tfjs' cpu
 * backend, because GPUs differ in their exp/log/sqrt rounding).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Architecture } from "../../models/architecture.ts";
import { buildModel } from "../../models/build_model.ts";
import { mulberry32 } from "../../random.ts";
import { createTfjsRunner } from "../../train/tfjs_runner.ts";
import type { EpochRunner, EpochRunnerInput } from "../../train/epoch_runner.ts";
import type { MnistSplit } from "../../data/types.ts";
import { createWebGpuEngineRunner } from "./create_webgpu_runner.ts";

/** Largest relative difference the check accepts. */
export const SELF_CHECK_TOLERANCE = 1e-3;

const TINY: Architecture = {
  name: "engine-self-check",
  description: "every layer kind of the compiled engine, tiny",
  seeds: [],
  layers: [
    { type: "conv2d", filters: 4, kernelSize: 3, padding: "same" },
    { type: "maxPool", poolSize: 2 },
    { type: "conv2d", filters: 4, kernelSize: 3 },
    { type: "dropout", rate: 0 },
    { type: "flatten" },
    { type: "dense", units: 8, activation: "relu" },
    { type: "dense", units: 10, activation: "softmax" },
  ],
  recipe: { optimizer: "adam", learningRate: 0.01, batchSize: 4, epochs: 1 },
  seedAccuracy: [],
  expectedParams: 0,
};

function tinySplit(count: number): MnistSplit {
  const random = mulberry32(3);
  const images = new Uint8Array(count * 784).map(() => Math.floor(random() * 256));
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  return { images, labels, count };
}

async function trainTiny(
  make: (input: EpochRunnerInput) => Promise<EpochRunner> | EpochRunner,
  optimizer: "adam" | "rmsprop",
): Promise<{ loss: number; weights: Float32Array[] }> {
  const model = buildModel(TINY, { seed: 7 });
  const opt = optimizer === "adam"
    ? tf.train.adam(0.01, 0.9, 0.999, 1e-7)
    : tf.train.rmsprop(0.01, 0.9, 0, 1e-7);
  const input = { arch: TINY.name, model, optimizer: opt, train: tinySplit(10), batchSize: 4 };
  const runner = await make(input);
  try {
    const result = await runner.runEpoch({
      epoch: 1,
      epochs: 1,
      random: mulberry32(5),
      progressUpdates: 1,
    });
    await runner.sync();
    const weights = await Promise.all(
      model.trainableWeights.map(async (w) =>
        Float32Array.from(await w.read().data() as Float32Array)
      ),
    );
    return { loss: result.aborted ? NaN : result.loss, weights };
  } finally {
    runner.dispose();
    opt.dispose();
    model.dispose();
  }
}

function relative(a: Float32Array, e: Float32Array): number {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
    ref = Math.max(ref, Math.abs(e[i]!));
    if (Number.isNaN(a[i]!)) return NaN;
  }
  return ref === 0 ? diff : diff / ref;
}

/** The check's outcome: the worst relative difference, and why it failed if it did. */
export interface SelfCheckResult {
  ok: boolean;
  maxRelativeError: number;
  reason?: string;
}

/**
 * Runs the parity check (about 0.5 s on llvmpipe) with RMSprop and Adam.
 *
 * @param device The engine's device (the default is tfjs' own on `webgpu`).
 * @returns Whether the engine matched the tfjs path, and by how much.
 * @example
 * ```ts ignore
 * const { ok, maxRelativeError } = await runSelfCheck();
 * ```
 */
export async function runSelfCheck(device?: GPUDevice): Promise<SelfCheckResult> {
  let worst = 0;
  for (const optimizer of ["rmsprop", "adam"] as const) {
    const expected = await trainTiny(createTfjsRunner, optimizer);
    const actual = await trainTiny(
      (input) => createWebGpuEngineRunner(input, { device, architecture: TINY }),
      optimizer,
    );
    const errors = [
      Math.abs(actual.loss - expected.loss) / Math.abs(expected.loss),
      ...actual.weights.map((w, i) => relative(w, expected.weights[i]!)),
    ];
    for (const e of errors) {
      if (!(e <= SELF_CHECK_TOLERANCE)) {
        return {
          ok: false,
          maxRelativeError: e,
          reason: `the engine's ${optimizer} step differs from the tfjs path by ${e} (relative)`,
        };
      }
      worst = Math.max(worst, e);
    }
  }
  return { ok: true, maxRelativeError: worst };
}
