/**
 * The JSON document `train --json` prints: everything a script needs, no tensors.
 *
 * @module
 */
import type { TrainResult } from "./types.ts";
import type { EpochLog } from "../runner/epoch_log.ts";
import type { Recipe } from "../models/architecture.ts";
import type { EngineName } from "../runner/epoch_runner.ts";

/** A training result as plain JSON. */
export interface TrainResultJson {
  /** Architecture name. */
  arch: string;
  /** Recipe used. */
  recipe: Recipe;
  /** tfjs backend. */
  backend: string;
  /** Engine that ran the steps (absent when a saved model was reused). */
  engine?: EngineName;
  /** True when a saved model was reused. */
  reused: boolean;
  /** Training samples per epoch. */
  trainCount: number;
  /** Parameter count. */
  params: number;
  /** Per-epoch history. */
  history: EpochLog[];
  /** Test metrics. */
  test: { loss: number; accuracy: number; wrong: number; count: number };
}

/** Converts a {@linkcode TrainResult} to its JSON document. */
export function trainResultToJson(result: TrainResult): TrainResultJson {
  const { loss, accuracy, wrong, count } = result.test;
  return {
    arch: result.arch,
    recipe: result.recipe,
    backend: result.backend,
    ...(result.engine ? { engine: result.engine } : {}),
    reused: result.reused,
    trainCount: result.trainCount,
    params: result.model.countParams(),
    history: result.history,
    test: { loss, accuracy, wrong, count },
  };
}
