/**
 * `planRun`: what a training run into a model folder should do, decided from the folder's
 * previous metadata alone — reuse the finished model, resume its checkpoint, or train
 * afresh. Pure, so every branch is a one-line test.
 *
 * @module
 */
import type { Architecture, Recipe } from "../models/architecture.ts";
import { metadataArchitecture, type ModelMetadata } from "../models/metadata.ts";
import { UsageError } from "../errors.ts";
import { sameRecipe } from "./config.ts";

/** The run as requested, in the terms `planRun` compares with the saved metadata. */
export interface RunRequest {
  /** The architecture (its name and its layers must match the saved ones). */
  architecture: Architecture;
  /** Resolved recipe. */
  recipe: Recipe;
  /** Training samples per epoch (after limit and validation). */
  trainCount: number;
  /** Validation fraction. */
  validation: number;
  /** Seed, when the caller fixed one. */
  seed?: number;
  /** Train even when a finished model matches. */
  retrain?: boolean;
  /** Continue an unfinished checkpoint. */
  resume?: boolean;
  /** The model folder, for messages. */
  outDir?: string;
}

/** What to do: reuse a finished model, resume after `epochsDone` epochs, or start fresh. */
export type RunPlan =
  | { kind: "reuse"; previous: ModelMetadata }
  | { kind: "resume"; previous: ModelMetadata; epochsDone: number }
  | { kind: "fresh" };

/**
 * True when `previous` was trained the way `request` asks (same architecture — name and
 * layers, since two user files may share a name — recipe, data, seed).
 */
function matches(previous: ModelMetadata, request: RunRequest): boolean {
  const { architecture } = request;
  return previous.arch === architecture.name &&
    JSON.stringify(metadataArchitecture(previous).layers) === JSON.stringify(architecture.layers) &&
    sameRecipe(previous.recipe, request.recipe) &&
    previous.trainCount === request.trainCount && previous.validation === request.validation &&
    (request.seed === undefined || previous.seed === request.seed);
}

/**
 * Decides between reusing, resuming and training afresh.
 *
 * @param previous The folder's metadata, or `undefined` when it holds no model.
 * @param request The run as requested.
 * @returns The plan.
 * @throws {UsageError} for `resume` when there is no unfinished checkpoint of this run.
 *
 * @example
 * ```ts
 * import { planRun } from "./plan_run.ts";
 * import { getArchitecture } from "../models/architectures.ts";
 * import assert from "node:assert/strict";
 *
 * const recipe = { optimizer: "adam" as const, learningRate: 0.001, batchSize: 32, epochs: 5 };
 * const request = { architecture: getArchitecture("mlp"), recipe, trainCount: 60000, validation: 0 };
 * assert.equal(planRun(undefined, request).kind, "fresh");
 * ```
 */
export function planRun(previous: ModelMetadata | undefined, request: RunRequest): RunPlan {
  const same = previous !== undefined && matches(previous, request);
  const finished = same && previous.epochsCompleted >= request.recipe.epochs;
  if (request.resume) {
    if (!same || finished) {
      throw new UsageError(
        `Nothing to resume in ${request.outDir ?? "(no --out)"}: no unfinished checkpoint ` +
          `of ${request.architecture.name} with this recipe`,
      );
    }
    return { kind: "resume", previous, epochsDone: previous.epochsCompleted };
  }
  if (finished && !request.retrain) return { kind: "reuse", previous };
  return { kind: "fresh" };
}
