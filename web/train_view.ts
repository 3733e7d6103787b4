/// <reference lib="dom" />
/**
 * What the page shows of a training run: the Keras-style progress lines (the library's, which
 * are the CLI's own), the live curves, and at the end the misclassified digits, the
 * confusion matrix and the run's summary as JSON in `data-testid="result"` (what the browser
 * test reads).
 *
 * @module
 */
import type { StepProgress } from "../lib/runner/epoch_log.ts";
import { type CurvePoint, curvesSvg } from "./curves.ts";
import { byId } from "./dom.ts";

/** The summary of a finished run, as `data-testid="result"` holds it. */
export interface RunSummary {
  arch: string;
  /** `webgpu` or `wasm`. */
  backend: string;
  /** The engine that ran the steps (`compiled`). */
  engine: string;
  epochs: number;
  testAccuracy: number;
  /** Mean milliseconds per training step. */
  msPerStep: number;
  /** Mean cross-entropy of the first training step's batch. */
  firstStepLoss: number;
}

/** The view of one run. */
export interface TrainView {
  /** A progress report with its live line. */
  progress(p: StepProgress & { line: string }): void;
  /** A line that stays (the engine, the first step, each epoch's summary). */
  log(line: string): void;
  /** Shows the final report and the result line. */
  finish(summary: RunSummary, misclassifiedSvg: string, confusionSvg: string): void;
}

/**
 * Clears the previous run's output and starts a view for a run of `epochs` epochs.
 *
 * @param epochs The run's epochs (the curves' x axis).
 * @returns The view.
 */
export function startTrainView(epochs: number): TrainView {
  const text = byId("progress", HTMLPreElement);
  const curves = byId("curves", HTMLDivElement);
  const result = byId("result", HTMLPreElement);
  byId("results-panel", HTMLElement).hidden = true;
  result.hidden = true;
  result.textContent = "";
  text.textContent = "";
  curves.replaceChildren();
  const points: CurvePoint[] = [];
  let done = "";
  return {
    progress(p) {
      text.textContent = `${done}${p.line}`;
      points.push({ epoch: p.epoch - 1 + p.step / p.steps, loss: p.loss, acc: p.acc });
      curves.innerHTML = curvesSvg(points, epochs);
    },
    log(line) {
      done += `${line}\n`;
      text.textContent = done;
    },
    finish(summary, misclassifiedSvg, confusionSvg) {
      done += `Test accuracy: ${(summary.testAccuracy * 100).toFixed(2)}% ` +
        `(${summary.backend}, ${summary.msPerStep.toFixed(1)} ms/step)\n`;
      text.textContent = done;
      byId("misclassified", HTMLDivElement).innerHTML = misclassifiedSvg;
      byId("confusion", HTMLDivElement).innerHTML = confusionSvg;
      byId("results-panel", HTMLElement).hidden = false;
      result.textContent = JSON.stringify(summary);
      result.hidden = false;
    },
  };
}
