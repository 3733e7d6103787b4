/// <reference lib="dom" />
/**
 * The page's one door to the training library (`lib/web/`): MNIST from the server, training on
 * the compiled engine (WebGPU, or wasm without it), evaluation, prediction of the pad, and
 * loading and exporting models. The page's other modules see only this interface.
 *
 * @module
 */
import type { Architecture } from "../lib/models/architecture.ts";
import type { EpochLog, StepProgress } from "../lib/runner/epoch_log.ts";
import type { RunSummary } from "./train_view.ts";

/** A model the page can predict with (trained here or loaded). */
export interface TrainedModel {
  readonly name: string;
}

/** What a training run needs from the page. */
export interface TrainSettings {
  arch: Architecture;
  epochs: number;
  limit: number;
  seed: number;
  signal: AbortSignal;
  onProgress(p: StepProgress): void;
  onEpoch(log: EpochLog, steps: number): void;
}

/** A finished run. */
export interface TrainedRun {
  model: TrainedModel;
  summary: RunSummary;
  misclassifiedSvg: string;
  confusionSvg: string;
}

/** The library, as the page uses it. */
export interface Session {
  /** The engine and device, one line. */
  readonly device: string;
  train(settings: TrainSettings): Promise<TrainedRun>;
  /** Ten probabilities for the pad's drawing, or `null` for an empty pad. */
  predict(model: TrainedModel, canvas: HTMLCanvasElement): Promise<Float32Array | null>;
  loadModel(base: URL): Promise<TrainedModel>;
  /** The model's files (`model.json`, `weights.bin`) for download. */
  exportModel(model: TrainedModel): Promise<[string, Blob][]>;
}

/**
 * Opens the session: loads and verifies MNIST and finds the engine.
 *
 * @param status Called with a line for each stage (the page shows it).
 * @returns The session.
 */
export function openSession(status: (line: string) => void): Promise<Session> {
  status("Loading the training library…");
  return Promise.reject(new Error("the training library (lib/web) is not in this build yet"));
}
