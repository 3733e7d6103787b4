/**
 * The compiled engine against the tfjs path on the active backend: the same model (same
 * seeded weights, dropout off), the same samples in the same order, a few steps each;
 * returns the worst relative difference over the loss and every weight. The GPU verification
 * kit runs it at real sizes. It lives here, above `lib/train/`, because it needs the tfjs
 * runner; `lib/engine/` imports nothing of training.
 *
 * @module
 */
import type { MnistSplit } from "../data/types.ts";
import type { Architecture } from "../models/architecture.ts";
import { getArchitecture } from "../models/architectures.ts";
import { defaultRecipe } from "../defaults.ts";
import { buildModel } from "../models/build_model.ts";
import { mulberry32 } from "../random.ts";
import type { EpochRunner, EpochRunnerInput } from "../runner/epoch_runner.ts";
import { createOptimizer } from "../train/optimizer.ts";
import { createTfjsRunner } from "../train/tfjs_runner.ts";
import { createWebGpuEngineRunner } from "../engine/webgpu/create_webgpu_runner.ts";

/** What to compare. */
export interface EngineParityOptions {
  /** Architecture (its dropout layers are switched off for the comparison). */
  arch: string | Architecture;
  batchSize: number;
  /** Samples to train on (their count sets the steps; a remainder makes a tail step). */
  train: MnistSplit;
  /** @default the architecture's recipe optimizer */
  optimizer?: "adam" | "rmsprop";
  /** @default the recipe's */
  learningRate?: number;
  /** The engine's device (default: tfjs' own on `webgpu`, else the process's shared one). */
  device?: GPUDevice;
}

/** The comparison's outcome. */
export interface EngineParity {
  /** Worst of the loss's and every weight's ‖engine − tfjs‖∞ / ‖tfjs‖∞ (NaN: a NaN appeared). */
  maxRelativeError: number;
  /** Which quantity was worst, e.g. `weight 3` or `loss`. */
  worst: string;
  engineLoss: number;
  tfjsLoss: number;
}

function relative(a: Float32Array, e: Float32Array): number {
  let diff = 0;
  let ref = 0;
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(a[i]!) || Number.isNaN(e[i]!)) return NaN;
    diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
    ref = Math.max(ref, Math.abs(e[i]!));
  }
  return ref === 0 ? diff : diff / ref;
}

async function train(
  arch: Architecture,
  options: EngineParityOptions,
  make: (input: EpochRunnerInput) => Promise<EpochRunner> | EpochRunner,
): Promise<{ loss: number; weights: Float32Array[] }> {
  const model = buildModel(arch, { seed: 7 });
  const recipe = arch.recipe ?? defaultRecipe();
  const optimizer = createOptimizer(
    options.optimizer ?? recipe.optimizer,
    options.learningRate ?? recipe.learningRate,
  );
  const input = {
    arch,
    model,
    optimizer,
    train: options.train,
    batchSize: options.batchSize,
  };
  const runner = await make(input);
  try {
    const random = mulberry32(5);
    const result = await runner.runEpoch({ epoch: 1, epochs: 1, random, progressUpdates: 1 });
    await runner.sync();
    const weights = await Promise.all(
      model.trainableWeights.map(async (w) =>
        Float32Array.from(await w.read().data() as Float32Array)
      ),
    );
    return { loss: result.aborted ? NaN : result.loss, weights };
  } finally {
    runner.dispose();
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * Trains one epoch over `train` with the tfjs path and with the compiled engine, from the
 * same weights, and compares the results.
 *
 * @param options Architecture, batch, samples, optimizer, device.
 * @returns The worst relative difference and the two losses.
 * @example
 * ```ts ignore
 * const parity = await engineParity({ arch: "cnn-deep", batchSize: 64, train: limitSplit(data.train, 192) });
 * if (!(parity.maxRelativeError <= 1e-3)) throw new Error(`engine differs: ${parity.worst}`);
 * ```
 */
export async function engineParity(options: EngineParityOptions): Promise<EngineParity> {
  const spec = typeof options.arch === "string" ? getArchitecture(options.arch) : options.arch;
  const arch = {
    ...spec,
    layers: spec.layers.map((l) => (l.type === "dropout" ? { ...l, rate: 0 } : l)),
  };
  const expected = await train(arch, options, createTfjsRunner);
  const actual = await train(
    arch,
    options,
    (input) => createWebGpuEngineRunner(input, { device: options.device, architecture: arch }),
  );
  const errors: [string, number][] = [
    ["loss", Math.abs(actual.loss - expected.loss) / Math.abs(expected.loss)],
    ...actual.weights.map((w, i) =>
      [`weight ${i}`, relative(w, expected.weights[i]!)] as [string, number]
    ),
  ];
  let worst: [string, number] = ["loss", 0];
  for (const e of errors) {
    if (Number.isNaN(e[1]) || e[1] > worst[1]) worst = e;
    if (Number.isNaN(e[1])) break;
  }
  return {
    maxRelativeError: worst[1],
    worst: worst[0],
    engineLoss: actual.loss,
    tfjsLoss: expected.loss,
  };
}
