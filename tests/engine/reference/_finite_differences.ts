/**
 * Central differences of a step's summed loss, against the step's own gradient: the one loop
 * the reference's gradient tests (every layer kind, batchNorm) share.
 */

/** What a step returns that the comparison reads. */
interface StepLoss {
  lossSum: number;
  grads: Float64Array;
}

/**
 * Largest absolute difference between each parameter's central-difference gradient of the
 * mean loss (`lossSum / batch`) and `grads`, and the largest |grad| (to make it relative).
 *
 * @param step One reference step at the given parameters.
 * @param params The parameters to differentiate at.
 * @param batch Samples in the step (the loss is their sum).
 * @param grads The step's gradient at `params`.
 */
export function centralDifferences(
  step: (params: Float64Array) => StepLoss,
  params: Float64Array,
  batch: number,
  grads: Float64Array,
): { worst: number; scale: number } {
  const h = 1e-6;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < params.length; i++) {
    const up = Float64Array.from(params);
    const down = Float64Array.from(params);
    up[i]! += h;
    down[i]! -= h;
    const numeric = (step(up).lossSum - step(down).lossSum) / batch / (2 * h);
    worst = Math.max(worst, Math.abs(numeric - grads[i]!));
    scale = Math.max(scale, Math.abs(grads[i]!));
  }
  return { worst, scale };
}
