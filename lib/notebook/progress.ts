/**
 * Keras-style training progress in a notebook: one output per epoch that updates in place
 * (`Epoch 2/5` and its live bar, then the epoch's summary line), so an executed notebook
 * keeps exactly one line per epoch, as Keras' `fit` leaves it.
 *
 * @module
 */
import { epochLine, progressLine } from "../cli/progress.ts";
import type { EpochLog, StepProgress } from "../runner/epoch_log.ts";
import { type DisplayFunction, settle } from "./show.ts";

/**
 * Callbacks for `trainCnn` that show progress through `display`.
 *
 * @param display `Deno.jupyter.display` (passed in, so this module needs no notebook).
 * @returns `onProgress` and `onEpoch` for `trainCnn`, and `settled()`, which resolves once every
 *   update has been sent and had time to arrive (see `show.ts`).
 *
 * @example
 * ```ts
 * import { notebookProgress } from "./progress.ts";
 * const shown: string[] = [];
 * const progress = notebookProgress(async (bundle) => {
 *   shown.push((bundle as Record<string, string>)["text/plain"]!);
 * });
 * progress.onEpoch({ epoch: 1, loss: 0.3, acc: 0.9, seconds: 2, imagesPerSecond: 1000 });
 * await progress.settled();
 * if (!shown[0]!.startsWith("Epoch 1")) throw new Error(shown[0]);
 * ```
 */
export function notebookProgress(display: DisplayFunction): {
  onProgress: (p: StepProgress) => void;
  onEpoch: (log: EpochLog) => void;
  settled: () => Promise<void>;
} {
  const run = Math.random().toString(36).slice(2, 10);
  let queue = Promise.resolve();
  let steps = 1;
  let epochs = 1;
  let shownEpoch = 0;
  const show = (epoch: number, text: string): void => {
    const update = shownEpoch === epoch;
    shownEpoch = epoch;
    const bundle = { "text/plain": `Epoch ${epoch}/${epochs}\n${text}` };
    const options = { raw: true, display_id: `mnist-${run}-epoch-${epoch}`, update };
    // Updates must arrive in order; a failed one (kernel gone) must not stop training.
    queue = queue.then(() => display(bundle, options)).catch(() => {});
  };
  return {
    onProgress(p) {
      steps = p.steps;
      epochs = p.epochs;
      show(p.epoch, progressLine(p));
    },
    onEpoch(log) {
      show(log.epoch, epochLine(log, steps));
    },
    settled: () => queue.then(() => settle()),
  };
}
