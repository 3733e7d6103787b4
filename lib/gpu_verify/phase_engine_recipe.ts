/**
 * Phase 2: each architecture's seed recipe, trained in full on the compiled WebGPU engine
 * (model seed 1), its test accuracy beside the accuracy the seeds reported
 * (`seedAccuracy` in `lib/models/architectures.ts`). A run the time guard stops is recorded
 * with the epochs it finished, not failed; a finished one must come within
 * {@linkcode SEED_MARGIN} of the seeds' lowest accuracy.
 *
 * @module
 */
import { createEpochRunner } from "../engine/create_runner.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import { ARCHITECTURE_NAMES, getArchitecture } from "../models/architectures.ts";
import { buildModel } from "../models/build_model.ts";
import { createOptimizer } from "../train/optimizer.ts";
import { trainModel } from "../train/train_model.ts";
import type { PhaseContext } from "./types.ts";

/** How far below the seeds' lowest accuracy a full recipe may land (one seed's spread). */
export const SEED_MARGIN = 0.005;

/** Seconds a recipe needs to be worth starting on a GPU. */
const RECIPE_SECONDS = 15;

/** One architecture's recipe on the engine: what ran, how long, how accurate. */
async function trainRecipe(ctx: PhaseContext, name: string, signal: AbortSignal) {
  const data = await ctx.mnist();
  const arch = getArchitecture(name);
  // Quick: one epoch on the synthetic set, only to show the path works end to end.
  const recipe = ctx.quick ? { ...arch.recipe, epochs: 1 } : arch.recipe;
  const model = buildModel(name, { seed: 1 });
  const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate);
  try {
    const { history, engine, interruptedIn } = await trainModel(
      model,
      { train: data.train },
      recipe,
      {
        arch: name,
        optimizer,
        seed: 1,
        progressUpdates: 4,
        signal,
        createRunner: (input) => createEpochRunner(input, "compiled", { backend: "webgpu" }),
      },
    );
    const test = history.length > 0 ? await evaluateModel(model, data.test) : undefined;
    const seconds = history.reduce((sum, h) => sum + h.seconds, 0);
    return { recipe, history, engine, interruptedIn, test, seconds };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * Phase 2 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function engineRecipePhase(ctx: PhaseContext): Promise<void> {
  const rows = [];
  for (const name of ctx.quick ? ["mlp"] : ARCHITECTURE_NAMES) {
    const left = ctx.secondsLeft();
    if (!ctx.quick && left < RECIPE_SECONDS) {
      ctx.record(`skipped ${name}`, `out of time (${left.toFixed(0)} s left)`);
      continue;
    }
    // The guard: a recipe still running when the budget ends stops at its next step.
    const signal = AbortSignal.timeout(Math.max(1, ctx.quick ? 600 : left - 5) * 1000);
    const run = await trainRecipe(ctx, name, signal);
    const seeds = getArchitecture(name).seedAccuracy;
    const accuracy = run.test?.accuracy ?? null;
    rows.push({
      arch: name,
      engine: run.engine,
      batch: run.recipe.batchSize,
      epochs: `${run.history.length}/${run.recipe.epochs}`,
      seconds: run.seconds,
      secondsPerEpoch: run.history.length > 0 ? run.seconds / run.history.length : null,
      accuracy,
      seedAccuracy: seeds.map((a) => `${(a * 100).toFixed(2)} %`).join(" / "),
    });
    ctx.log(
      `recipe: ${name} ${run.history.length}/${run.recipe.epochs} epochs in ` +
        `${run.seconds.toFixed(1)} s, test ${
          accuracy === null ? "—" : (accuracy * 100).toFixed(2)
        } %`,
    );
    if (run.interruptedIn !== undefined) {
      ctx.record(`${name} stopped`, `by the time guard in epoch ${run.interruptedIn}`);
      continue;
    }
    const bar = ctx.quick ? 0.9 : Math.min(...seeds) - SEED_MARGIN;
    ctx.check(
      `${name} seed recipe on the compiled engine ≥ ${(bar * 100).toFixed(2)} %`,
      run.engine === "compiled" && accuracy !== null && accuracy >= bar,
      `${run.engine}: ${accuracy === null ? "no epoch" : (accuracy * 100).toFixed(2)} %`,
    );
  }
  ctx.table("compiled engine: seed recipes (model seed 1) beside the seeds' accuracy", rows);
}
