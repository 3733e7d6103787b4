/// <reference lib="dom" />
/**
 * The page's one door to the training library (`lib/web/mod.ts`): MNIST from the server (the
 * verified files at `mnist/`), training on the compiled engine on this browser's WebGPU (the
 * wasm engine where there is no adapter: threads when the page is cross-origin isolated, else
 * one), evaluation on the 10,000 test images, the report views, prediction of the pad, and loading
 * and exporting models. The page's other modules see only the {@linkcode Session} interface.
 *
 * @module
 */
import {
  type BrowserGpu,
  confusionMatrix,
  evaluateInBrowser,
  exportModelFiles,
  fetchModel,
  type Infer,
  loadMnistFromUrls,
  misclassified,
  type MnistData,
  mnistUrls,
  modelInference,
  predictDigit,
  renderConfusionMatrixSvg,
  renderMisclassifiedSvg,
  requestBrowserGpu,
  type StepProgress,
  trainInBrowser,
  type TrainingEngine,
  type WebModel,
} from "../lib/web/mod.ts";
import type { Architecture } from "../lib/models/architecture.ts";
import { ImageFileError } from "../lib/image/image_file_error.ts";
import { messageOf } from "./dom.ts";
import type { RunSummary } from "./train_view.ts";

/** A model the page can predict with (trained here or loaded). */
export interface TrainedModel {
  readonly model: WebModel;
  readonly infer: Infer;
}

/** What a training run needs from the page. */
export interface TrainSettings {
  arch: Architecture;
  epochs: number;
  limit: number;
  seed: number;
  signal: AbortSignal;
  onProgress(p: StepProgress & { line: string }): void;
  onLog(line: string): void;
}

/** A finished (or stopped) run; a stopped one has no summary and no report. */
export interface TrainedRun {
  model: TrainedModel;
  report: { summary: RunSummary; misclassifiedSvg: string; confusionSvg: string } | null;
}

/** The library, as the page uses it. */
export interface Session {
  /** The engine and device, one line. */
  readonly device: string;
  train(settings: TrainSettings): Promise<TrainedRun>;
  /** Ten probabilities for the pad's drawing, or `null` for an empty pad. */
  predict(model: TrainedModel, canvas: HTMLCanvasElement): Promise<number[] | null>;
  loadModel(base: URL): Promise<TrainedModel>;
  /** The model's files (`model.json`, `weights.bin`, `metadata.json`) for download. */
  exportModel(model: TrainedModel): Promise<[string, Blob][]>;
}

/** The misclassified grid shows the first mistakes, not all of them. */
const SHOWN_MISTAKES = 60;

async function findGpu(): Promise<BrowserGpu | null> {
  try {
    const gpu = await requestBrowserGpu();
    // A WebGPU error outside an error scope is a bug: logged, so the page's test fails on it.
    gpu.device.addEventListener("uncapturederror", (e) => {
      console.error(`WebGPU: ${(e as GPUUncapturedErrorEvent).error.message}`);
    });
    return gpu;
  } catch {
    return null;
  }
}

async function report(data: MnistData, engine: TrainingEngine) {
  const evaluation = await evaluateInBrowser((x, n) => engine.infer(x, n), data.test);
  const wrong = misclassified(evaluation);
  return {
    evaluation,
    misclassifiedSvg: await renderMisclassifiedSvg(wrong, data.test, { limit: SHOWN_MISTAKES }),
    confusionSvg: await renderConfusionMatrixSvg(confusionMatrix(evaluation)),
  };
}

function trainer(data: MnistData, gpu: BrowserGpu | null) {
  let previous: TrainingEngine | null = null;
  return async (s: TrainSettings): Promise<TrainedRun> => {
    const run = await trainInBrowser({
      arch: s.arch,
      data,
      epochs: s.epochs,
      limit: s.limit,
      seed: s.seed,
      signal: s.signal,
      ...(gpu ? { gpu, engine: "webgpu" } : { engine: "wasm" }),
      onProgress: s.onProgress,
      onLog: s.onLog,
      onPipelines: (p) => p.done === p.total && s.onLog(`Pipelines built: ${p.total}`),
    });
    previous?.dispose(); // the last run's engine served the pad until now
    previous = run.engine;
    const model = { model: run.model, infer: (x: Uint8Array, n: number) => run.engine.infer(x, n) };
    if (run.aborted || run.model.history.length < s.epochs) return { model, report: null };
    const { evaluation, ...views } = await report(data, run.engine);
    run.model.test = {
      loss: evaluation.loss,
      accuracy: evaluation.accuracy,
      wrong: evaluation.wrong,
      count: evaluation.count,
    };
    const summary: RunSummary = {
      arch: s.arch.name,
      backend: run.engine.name,
      engine: "compiled",
      epochs: run.model.history.length,
      testAccuracy: evaluation.accuracy,
      msPerStep: run.msPerStep,
      firstStepLoss: run.firstStepLoss ?? NaN,
    };
    return { model, report: { summary, ...views } };
  };
}

/**
 * Opens the session: loads and verifies MNIST and finds the engine.
 *
 * @param status Called with a line for each stage (the page shows it).
 * @returns The session.
 */
export async function openSession(status: (line: string) => void): Promise<Session> {
  const gpu = await findGpu();
  const data = await loadMnistFromUrls({
    urls: mnistUrls(new URL("mnist/", location.href)),
    onFile: (f) => status(`Loading MNIST: ${f.name} verified (${f.done}/${f.of})`),
  });
  const threads = globalThis.crossOriginIsolated
    ? "threads"
    : "one thread (not cross-origin isolated)";
  return {
    device: gpu ? `WebGPU: ${gpu.description}` : `No WebGPU adapter: the wasm engine, ${threads}`,
    train: trainer(data, gpu),
    async predict(model, canvas) {
      const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
      try {
        const p = await predictDigit(
          model.infer,
          ctx.getImageData(0, 0, canvas.width, canvas.height),
        );
        return p.probabilities;
      } catch (error) {
        if (error instanceof ImageFileError) return null; // a blank pad
        throw new Error(`prediction failed: ${messageOf(error)}`);
      }
    },
    async loadModel(base) {
      const model = await fetchModel(base);
      return { model, infer: modelInference(model) };
    },
    async exportModel(model) {
      const files = await exportModelFiles(model.model);
      return Object.entries(files).map(([name, bytes]) => [name, new Blob([bytes])]);
    },
  };
}
