/**
 * The fused optimizers' learning rate, bound as a tensor rather than baked into the shader.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/**
 * The learning rate as a one-element tensor the update shaders read, so a schedule that
 * sets `optimizer.learningRate` re-uploads 4 bytes instead of compiling a new shader.
 */
export class LearningRateTensor {
  private tensor: tf.Variable | undefined;
  private value = NaN;

  /** The tensor holding `learningRate`, rewritten only when the rate changed. */
  current(learningRate: number): tf.Variable {
    if (learningRate !== this.value) {
      this.tensor?.dispose();
      this.tensor = tf.tidy(() => tf.variable(tf.tensor1d([learningRate]), false));
      this.value = learningRate;
    }
    return this.tensor!;
  }

  /** Frees the tensor; the next `current()` makes a new one. */
  dispose(): void {
    this.tensor?.dispose();
    this.tensor = undefined;
    this.value = NaN;
  }
}
