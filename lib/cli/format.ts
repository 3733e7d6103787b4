/**
 * Small formatters the tasks share, so every task prints metrics the same way.
 *
 * @module
 */
import type { Evaluation } from "../evaluate/types.ts";

/** Formats a 0–1 fraction as a percentage with two decimals, e.g. `99.12 %`. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

/** `Test loss 0.0312 · accuracy 99.12 % · 88 of 10,000 wrong`. */
export function formatTestLine(
  test: Pick<Evaluation, "loss" | "accuracy" | "wrong" | "count">,
): string {
  return `Test loss ${test.loss.toFixed(4)} · accuracy ${percent(test.accuracy)} · ` +
    `${test.wrong.toLocaleString("en-US")} of ${test.count.toLocaleString("en-US")} wrong`;
}

/** The 10 probabilities as bars plus the argmax line. */
export function formatPrediction(
  p: { probabilities: number[]; digit: number; confidence: number },
): string {
  const rows = p.probabilities.map((prob, digit) => {
    const bar = "█".repeat(Math.round(prob * 40));
    const mark = digit === p.digit ? "  ◀" : "";
    return `  ${digit}  ${(prob * 100).toFixed(2).padStart(6)} %  ${bar}${mark}`;
  });
  return [...rows, `Predicted: ${p.digit} (${percent(p.confidence)})`].join("\n");
}
