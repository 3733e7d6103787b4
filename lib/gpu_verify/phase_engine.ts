/**
 * Phases 7 and 8: the compiled WebGPU engine of `lib/engine/` beside the tfjs path. Phase 7
 * checks its parity with the tfjs path at batch 64 and 1024 (a few steps, dropout off, loss
 * and every weight within 1e-3), then times both and counts their WebGPU calls per step
 * (`verifyEngine`). Phase 8 trains one epoch of cnn-deep with it (test accuracy ≥ 98 %).
 *
 * @module
 */
import { createEpochRunner } from "../engine/create_runner.ts";
import { verifyEngine } from "../engine/verify_engine.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import { getArchitecture } from "../models/architectures.ts";
import { buildModel } from "../models/build_model.ts";
import { createOptimizer } from "../train/optimizer.ts";
import { trainModel } from "../train/train_model.ts";
import type { PhaseContext } from "./types.ts";

/** The engine's own bar for parity with the tfjs path (`engineParity`'s documentation). */
const PARITY_TOLERANCE = 1e-3;

/**
 * Phase 7 body: parity, speed and counters of the compiled engine.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function enginePhase(ctx: PhaseContext): Promise<void> {
  const { train } = await ctx.mnist();
  const arch = ctx.quick ? "mlp" : "cnn-deep";
  const runs = ctx.quick ? [[8, 3]] : [[64, 100], [1024, 20]];
  const rows = [];
  for (const [batchSize, steps] of runs) {
    if (ctx.secondsLeft() < 60) {
      ctx.check(`${arch} b${batchSize}: time left for the engine`, false, "out of time");
      return;
    }
    const v = await verifyEngine(train, { arch, batchSize: batchSize!, steps });
    const e = v.parity.maxRelativeError;
    ctx.check(
      `compiled engine vs tfjs path, ${arch} b${batchSize}, 3 steps`,
      e <= PARITY_TOLERANCE,
      `worst ${v.parity.worst}: relative error ${e.toExponential(2)}`,
    );
    ctx.check(`compiled engine trains ${arch} b${batchSize}`, v.compiled.msPerStep > 0);
    ctx.log(
      `engine: ${arch} b${batchSize} compiled ${v.compiled.msPerStep.toFixed(2)} ms/step, ` +
        `tfjs ${v.tfjs.msPerStep.toFixed(2)} ms/step`,
    );
    rows.push({
      batchSize,
      parity: v.parity,
      compiled: v.compiled,
      tfjs: v.tfjs,
      tfjsOverCompiled: v.tfjs.msPerStep / v.compiled.msPerStep,
    });
  }
  ctx.record("engine", rows);
}

/**
 * Phase 8 body: one epoch with the compiled engine, evaluated on the test split.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function engineAccuracyPhase(ctx: PhaseContext): Promise<void> {
  const data = await ctx.mnist();
  const arch = ctx.quick ? "mlp" : "cnn-deep";
  const architecture = getArchitecture(arch);
  const recipe = architecture.recipe;
  const model = buildModel(architecture, { seed: 1 });
  const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate);
  try {
    const { history } = await trainModel(model, { train: data.train }, { ...recipe, epochs: 1 }, {
      arch: architecture,
      optimizer,
      seed: 1,
      progressUpdates: 4,
      createRunner: (input) => createEpochRunner(input, "compiled", { backend: "webgpu" }),
    });
    const test = await evaluateModel(model, data.test);
    const bar = ctx.quick ? 0.9 : 0.98;
    ctx.record("one epoch", { arch, seconds: history[0]!.seconds, accuracy: test.accuracy });
    ctx.check(
      `${arch} after 1 epoch on the compiled engine ≥ ${bar * 100} %`,
      test.accuracy >= bar,
      `${(test.accuracy * 100).toFixed(2)} % in ${history[0]!.seconds.toFixed(1)} s`,
    );
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}
