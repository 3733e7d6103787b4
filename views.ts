/**
 * The analysis views of mnist-cnn, as a second entry point (`jsr:@x/mnist-cnn/views`): each
 * returns data that also displays itself in a Jupyter notebook (SVG, with a text fallback), and
 * has a renderer to SVG for files and reports. Kept apart from `mod.ts` because the charts load
 * Vega when imported.
 *
 * @example Show the confusion matrix of a saved model
 * ```ts ignore
 * import { evaluateSavedModel } from "jsr:@x/mnist-cnn";
 * import { confusionMatrix } from "jsr:@x/mnist-cnn/views";
 *
 * const { evaluation } = await evaluateSavedModel({ modelDir: "models/cnn-deep" });
 * const cm = confusionMatrix(evaluation); // in a notebook, the last expression draws it
 * console.log(cm.correct, "of", cm.total);
 * ```
 *
 * @module
 */
export {
  renderSampleGridSvg,
  type SampleGrid,
  sampleGrid,
  type SampleSelection,
} from "./lib/report/sample_grid.ts";
export {
  type Misclassified,
  misclassified,
  type MisclassifiedItem,
  type MisclassifiedOptions,
  renderMisclassifiedSvg,
  wrongCountText,
} from "./lib/report/misclassified.ts";
export {
  type ConfusionMatrix,
  confusionMatrix,
  formatConfusionMatrix,
  renderConfusionMatrixSvg,
} from "./lib/report/confusion_matrix.ts";
export {
  formatTrainingHistory,
  type HistoryPoint,
  type NamedHistory,
  renderTrainingHistorySvg,
  trainingHistory,
} from "./lib/report/training_history.ts";
export {
  type FirstLayerFilters,
  firstLayerFilters,
  renderFiltersSvg,
} from "./lib/report/first_layer_filters.ts";
export {
  formatProbabilities,
  type Probabilities,
  probabilitiesOf,
  renderProbabilitiesSvg,
} from "./lib/report/probabilities.ts";
export { type ReportFiles, writeReport } from "./lib/report/write_report.ts";
