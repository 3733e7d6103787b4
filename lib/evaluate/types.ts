/**
 * The result of evaluating a model on a labelled split, with every per-sample prediction,
 * so analysis views (misclassified grid, confusion matrix, …) need no second pass.
 *
 * @module
 */

/** Metrics plus per-sample predictions for one split. */
export interface Evaluation {
  /** Mean sparse categorical cross-entropy. */
  loss: number;
  /** Fraction correct (0–1). */
  accuracy: number;
  /** Number of samples evaluated. */
  count: number;
  /** Number of wrong predictions (`count − correct`). */
  wrong: number;
  /** True labels, one per sample. */
  labels: Uint8Array;
  /** Predicted class (argmax), one per sample. */
  predictions: Uint8Array;
  /** Softmax probabilities, `count × 10`, row-major. */
  probabilities: Float32Array;
}
