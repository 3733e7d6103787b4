/**
 * Phase 2: each architecture's seed recipe, trained in full on the compiled WebGPU engine
 * (model seed 1), its test accuracy beside the accuracy the seeds reported
 * (`seedAccuracy` in `lib/models/architectures.ts`). The phase takes at most
 * {@linkcode PHASE_SHARE} of the time left when it starts, split evenly over the recipes not
 * yet run; a recipe the time guard stops is recorded with the epochs it finished, not failed;
 * a finished one must come within {@linkcode SEED_MARGIN} of the seeds' lowest accuracy.
 *
 * @module
 */
import { createEpochRunner } from "../train/create_runner.ts";
import { evaluateModel } from "../evaluate/evaluate_model.ts";
import { ARCHITECTURE_NAMES, getArchitecture } from "../models/architectures.ts";
import { buildModel } from "../models/build_model.ts";
import { createOptimizer } from "../train/optimizer.ts";
import { trainModel } from "../train/train_model.ts";
import { eachCell } from "./_cells.ts";
import type { PhaseContext, Table } from "./types.ts";

/** How far below the seeds' lowest accuracy a full recipe may land (one seed's spread). */
export const SEED_MARGIN = 0.005;

/** Seconds a recipe needs to be worth starting on a GPU. */
const RECIPE_SECONDS = 15;

/** The part of the time left at its start that this phase may take. */
const PHASE_SHARE = 0.4;

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
        arch,
        optimizer,
        seed: 1,
        progressUpdates: 4,
        signal,
        createRunner: (input) =>
          createEpochRunner(input, "compiled", {
            backend: "webgpu",
            verdictFile: ctx.verdictFile,
          }),
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
  const rows: Table["rows"] = [];
  ctx.table("compiled engine: seed recipes (model seed 1) beside the seeds' accuracy", rows);
  const names = ctx.quick ? ["mlp"] : ARCHITECTURE_NAMES;
  // The phase's share of the time left, so PyTorch and the kernel times still run after it;
  // each recipe gets an even part of what is left of it.
  const phaseEnd = performance.now() + Math.max(60, PHASE_SHARE * ctx.secondsLeft()) * 1000;
  let remaining = names.length;
  await eachCell(
    ctx,
    names,
    { name: (n) => `recipe ${n}`, seconds: RECIPE_SECONDS },
    async (name) => {
      const share = (phaseEnd - performance.now()) / 1000 / remaining--;
      const limit = Math.max(RECIPE_SECONDS, Math.min(share, ctx.secondsLeft() - 5));
      // The guard: a recipe still running at its limit stops at its next step.
      const run = await trainRecipe(ctx, name, AbortSignal.timeout(limit * 1000));
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
      const percent = accuracy === null ? "—" : `${(accuracy * 100).toFixed(2)} %`;
      ctx.log(
        `recipe: ${name} ${run.history.length}/${run.recipe.epochs} epochs in ` +
          `${run.seconds.toFixed(1)} s, test ${percent}`,
      );
      if (run.interruptedIn !== undefined) {
        ctx.record(
          `${name} stopped`,
          `by the time guard (${limit.toFixed(0)} s) in epoch ${run.interruptedIn}`,
        );
        return;
      }
      const bar = ctx.quick ? 0.9 : Math.min(...seeds) - SEED_MARGIN;
      ctx.check(
        `${name} seed recipe on the compiled engine ≥ ${(bar * 100).toFixed(2)} %`,
        run.engine === "compiled" && accuracy !== null && accuracy >= bar,
        `${run.engine}: ${percent}`,
      );
    },
  );
}
