/**
 * Phase 9: one epoch of cnn-deep with the seed recipe (test accuracy ≥ 98 %), then the whole
 * seed recipe (≥ 99.0 %) when the time left covers it at the speed the first epoch showed.
 *
 * @module
 */
import { getArchitecture } from "../models/architectures.ts";
import { trainCnn } from "../train/train_cnn.ts";
import type { PhaseContext } from "./types.ts";

/**
 * Phase 9 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function accuracyPhase(ctx: PhaseContext): Promise<void> {
  const data = await ctx.mnist();
  const arch = ctx.quick ? "mlp" : "cnn-deep";
  const first = await trainCnn({
    arch,
    data,
    epochs: 1,
    seed: 1,
    progressUpdates: 4,
    engine: "tfjs",
  });
  const seconds = first.history[0]!.seconds;
  ctx.record("one epoch", {
    arch,
    seconds,
    loss: first.history[0]!.loss,
    accuracy: first.test.accuracy,
  });
  ctx.log(
    `accuracy: ${arch} 1 epoch ${(first.test.accuracy * 100).toFixed(2)} % in ${
      seconds.toFixed(1)
    } s`,
  );
  const bar = ctx.quick ? 0.9 : 0.98;
  ctx.check(
    `${arch} after 1 epoch ≥ ${bar * 100} %`,
    first.test.accuracy >= bar,
    `${(first.test.accuracy * 100).toFixed(2)} %`,
  );
  first.model.dispose();
  const epochs = getArchitecture(arch).recipe.epochs;
  const needed = seconds * epochs * 1.15 + 20;
  if (ctx.quick || needed > ctx.secondsLeft()) {
    ctx.record(
      "full recipe",
      `skipped: needs ~${needed.toFixed(0)} s, ${ctx.secondsLeft().toFixed(0)} s left`,
    );
    return;
  }
  const full = await trainCnn({ arch, data, seed: 1, progressUpdates: 4, engine: "tfjs" });
  ctx.record("full recipe", {
    epochs,
    seconds: full.history.reduce((s, h) => s + h.seconds, 0),
    accuracy: full.test.accuracy,
  });
  ctx.check(
    `${arch} seed recipe ≥ 99.0 %`,
    full.test.accuracy >= 0.99,
    `${(full.test.accuracy * 100).toFixed(2)} %`,
  );
  full.model.dispose();
}
