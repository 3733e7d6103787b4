/**
 * The browser-safe core of the web app: everything a page needs to load MNIST, train an
 * architecture on the compiled WebGPU engine, evaluate it, predict a drawn digit, draw the
 * report views and save or load the model — importing nothing Deno- or node-specific
 * (`tests/web/browser_graph_test.ts` walks this module's graph and fails on either).
 *
 * @module
 */
export { ARCHITECTURE_NAMES, ARCHITECTURES, getArchitecture } from "../models/architectures.ts";
export { parseArchitecture } from "../models/arch_file/parse_architecture.ts";
export { resolveArchitecture } from "../models/resolve_architecture.ts";
export type { ArchitectureInput } from "../models/resolve_architecture.ts";
export type { Architecture, LayerSpec, Recipe } from "../models/architecture.ts";
export { countParams } from "../models/layer_shapes.ts";
export { MNIST_FILES } from "../data/checksums.ts";
export type { MnistFileKey } from "../data/checksums.ts";
export type { MnistData, MnistSplit } from "../data/types.ts";
export { loadMnistFromUrls, mnistUrls } from "./load_mnist_urls.ts";
export type { LoadMnistUrlsOptions } from "./load_mnist_urls.ts";
export { trainInBrowser } from "./train_in_browser.ts";
export type { BrowserTrainResult, TrainInBrowserOptions } from "./train_in_browser.ts";
export { openWebGpuInference, requestBrowserGpu } from "./_webgpu_engine.ts";
export type {
  BrowserGpu,
  GpuInference,
  PipelineProgress,
  TrainingEngine,
} from "./_webgpu_engine.ts";
export type { EpochLog, StepProgress } from "../runner/epoch_log.ts";
export type { WebModel } from "./web_model.ts";
export { evaluateInBrowser, modelInference, predictDigit } from "./evaluate_in_browser.ts";
export type { DigitPrediction, Infer } from "./evaluate_in_browser.ts";
export type { Evaluation } from "../evaluate/types.ts";
export { preprocessDigit } from "../image/preprocess_digit.ts";
export type { PreprocessedDigit } from "../image/preprocess_digit.ts";
export type { Raster } from "../image/raster.ts";
export { misclassified, renderMisclassifiedSvg } from "../report/misclassified.ts";
export { confusionMatrix, renderConfusionMatrixSvg } from "../report/confusion_matrix.ts";
export { exportModelFiles, fetchModel, MODEL_FILE_NAMES, modelFromFiles } from "./model_files.ts";
export type { ModelFiles } from "./model_files.ts";
export { localStorageVerdictCache, VERDICT_STORAGE_KEY } from "./local_storage_cache.ts";
export type { StoredVerdict, VerdictCache } from "../engine/verdict_cache.ts";
export { formatTestLine } from "../cli/format.ts";
