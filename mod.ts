/**
 * mnist-cnn: the classic Keras MNIST models (an MLP and three CNNs) in TypeScript on
 * TensorFlow.js, for Deno — load MNIST, build, train, evaluate, compare, and see what the
 * models get wrong. Trains on WebGPU when there is a real GPU and on a fast wasm path
 * when there is not.
 *
 * @example Train the seed CNN and check its test accuracy
 * ```ts ignore
 * import { trainCnn } from "jsr:@x/mnist-cnn";
 *
 * const result = await trainCnn({ arch: "cnn-deep", backend: "auto", seed: 1 });
 * console.log(result.test.accuracy); // ≈ 0.99
 * ```
 *
 * @example Build a model and count its parameters
 * ```ts
 * import { ARCHITECTURES, buildModel, selectBackend } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * await selectBackend("auto"); // WebGPU on a real GPU, else wasm, else cpu
 * const model = buildModel("cnn-deep", { seed: 1 });
 * assert.equal(model.countParams(), ARCHITECTURES["cnn-deep"]!.expectedParams);
 * ```
 *
 * @module
 */
export { loadMnist, type LoadMnistOptions } from "./lib/data/load_mnist.ts";
export { imagesToTensor, labelsToTensor, limitSplit, splitValidation } from "./lib/data/tensors.ts";
export type { MnistData, MnistSplit } from "./lib/data/types.ts";
export { ARCHITECTURE_NAMES, ARCHITECTURES, getArchitecture } from "./lib/models/architectures.ts";
export type {
  Activation,
  Architecture,
  LayerSpec,
  OptimizerName,
  Padding,
  Recipe,
  SeedArchitecture,
  Size2,
} from "./lib/models/architecture.ts";
export {
  parseArchitecture,
  type ParseArchitectureOptions,
} from "./lib/models/arch_file/parse_architecture.ts";
export { readArchitectureFile } from "./lib/models/arch_file/read_arch_file.ts";
export { validateArchitecture } from "./lib/models/arch_file/validate_architecture.ts";
export { type ArchitectureInput, resolveArchitecture } from "./lib/models/resolve_architecture.ts";
export { buildModel, type BuildModelOptions } from "./lib/models/build_model.ts";
export {
  type ModelSummary,
  renderSummary,
  summarize,
  type SummaryRow,
} from "./lib/models/summarize.ts";
export {
  type LoadedModel,
  loadModel,
  type LoadModelOptions,
  saveModel,
  type SaveModelOptions,
} from "./lib/models/save_model.ts";
export { lockModelDir, type ModelDirLock } from "./lib/models/model_lock.ts";
export { metadataArchitecture, type ModelMetadata } from "./lib/models/metadata.ts";
export { trainCnn, type TrainOptions } from "./lib/train/train_cnn.ts";
export { defaultRecipe, defaultTrainConfig, type TrainConfig } from "./lib/defaults.ts";
export {
  type TrainingData,
  trainModel,
  type TrainModelOptions,
  type TrainModelResult,
} from "./lib/train/train_model.ts";
export type { EngineName, EngineRequest } from "./lib/runner/epoch_runner.ts";
export type { EpochLog, StepProgress } from "./lib/runner/epoch_log.ts";
export type { TrainResult } from "./lib/train/types.ts";
export { evaluateModel, type EvaluateOptions } from "./lib/evaluate/evaluate_model.ts";
export type { Evaluation } from "./lib/evaluate/types.ts";
export { predict, type Prediction, type PredictOptions } from "./lib/evaluate/predict.ts";
export {
  evaluateSavedModel,
  type EvaluateSavedModelOptions,
  type SavedModelEvaluation,
} from "./lib/evaluate/evaluate_saved_model.ts";
export {
  compareModels,
  type CompareOptions,
  type ComparisonRow,
} from "./lib/compare/compare_models.ts";
export { type DeviceReport, listDevices } from "./lib/backend/list_devices.ts";
export {
  type BackendChoice,
  type BackendName,
  type BackendRequest,
  ensureBackend,
  selectBackend,
} from "./lib/backend/select_backend.ts";
export {
  ArchitectureError,
  BackendUnavailableError,
  DatasetError,
  GpuError,
  InterruptedError,
  ModelFileError,
  TrainingDivergedError,
  TrainingInterruptedError,
  UsageError,
} from "./lib/errors.ts";
