/**
 * Keras-style training output: a live progress line per epoch (step/total, ETA, loss,
 * accuracy, images/s) redrawn in place on a terminal, and one summary line per epoch.
 *
 * @module
 */
import type { EpochLog, StepProgress } from "../runner/epoch_log.ts";

const BAR_WIDTH = 30;

/** Where the reporter writes, and whether it may redraw a line in place. */
export interface ProgressSink {
  /** Writes text as is (no newline added). */
  write(text: string): void;
  /** True for a terminal: live lines are redrawn with `\r`; otherwise only epoch lines. */
  live: boolean;
}

function bar(step: number, steps: number): string {
  const filled = Math.floor((step / steps) * BAR_WIDTH);
  if (step >= steps) return `[${"=".repeat(BAR_WIDTH)}]`;
  return `[${"=".repeat(Math.max(0, filled - 1))}>${".".repeat(BAR_WIDTH - Math.max(1, filled))}]`;
}

function duration(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}h${Math.round((seconds % 3600) / 60)}m`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
  return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
}

/** Formats a rate like `12,345 img/s`. */
export function rate(imagesPerSecond: number): string {
  return `${Math.round(imagesPerSecond).toLocaleString("en-US")} img/s`;
}

/** The live line for a progress report. */
export function progressLine(p: StepProgress): string {
  const width = String(p.steps).length;
  const eta = (p.seconds / p.step) * (p.steps - p.step);
  return `${String(p.step).padStart(width)}/${p.steps} ${bar(p.step, p.steps)} - ETA: ` +
    `${duration(eta)} - loss: ${p.loss.toFixed(4)} - acc: ${p.acc.toFixed(4)} - ` +
    rate(p.imagesPerSecond);
}

/** The summary line of a finished epoch. */
export function epochLine(log: EpochLog, steps: number): string {
  const perStep = (log.seconds * 1000) / steps;
  const val = log.valLoss === undefined
    ? ""
    : ` - val_loss: ${log.valLoss.toFixed(4)} - val_acc: ${log.valAcc!.toFixed(4)}`;
  return `${steps}/${steps} ${bar(1, 1)} - ${duration(log.seconds)} ${perStep.toFixed(0)}ms/step` +
    ` - loss: ${log.loss.toFixed(4)} - acc: ${log.acc.toFixed(4)}${val} - ` +
    rate(log.imagesPerSecond);
}

/** Callbacks for `trainCnn` that render Keras-style progress to `sink`. */
export function createProgressReporter(sink: ProgressSink): {
  onProgress: (p: StepProgress) => void;
  onEpoch: (log: EpochLog) => void;
} {
  let steps = 1;
  let announced = 0;
  const announce = (epoch: number, epochs: number): void => {
    if (announced === epoch) return;
    announced = epoch;
    sink.write(`Epoch ${epoch}/${epochs}\n`);
  };
  return {
    onProgress(p) {
      steps = p.steps;
      announce(p.epoch, p.epochs);
      if (sink.live && p.step < p.steps) sink.write(`\r\x1b[2K${progressLine(p)}`);
    },
    onEpoch(log) {
      sink.write(`${sink.live ? "\r\x1b[2K" : ""}${epochLine(log, steps)}\n`);
    },
  };
}
