/**
 * Evaluations with known mistakes, for the report views' tests.
 */
import type { Evaluation } from "../../lib/evaluate/types.ts";
import type { MnistSplit } from "../../lib/data/types.ts";
import { decodePng } from "../../lib/image/png.ts";

/**
 * An evaluation of `split` where every `wrongEvery`-th sample is predicted as `label + 1`
 * with confidence growing with the index; the rest are right with probability 0.9.
 */
export function fakeEvaluation(split: MnistSplit, wrongEvery = 7): Evaluation {
  const { count, labels } = split;
  const predictions = new Uint8Array(count);
  const probabilities = new Float32Array(count * 10);
  let wrong = 0;
  for (let i = 0; i < count; i++) {
    const isWrong = i % wrongEvery === 3;
    const predicted = isWrong ? (labels[i]! + 1) % 10 : labels[i]!;
    const confidence = isWrong ? 0.5 + (0.4 * i) / count : 0.9;
    predictions[i] = predicted;
    probabilities.fill((1 - confidence) / 9, i * 10, i * 10 + 10);
    probabilities[i * 10 + predicted] = confidence;
    if (isWrong) wrong++;
  }
  return {
    loss: 0.2,
    accuracy: (count - wrong) / count,
    count,
    wrong,
    labels: labels.slice(),
    predictions,
    probabilities,
  };
}

/** Decodes a PNG and counts its pixels that are not (near) white. */
export function inkedPixels(png: Uint8Array): { width: number; height: number; inked: number } {
  const image = decodePng(png);
  let inked = 0;
  for (let p = 0; p < image.data.length; p += image.channels) {
    const rgb = image.channels >= 3 ? [0, 1, 2] : [0];
    if (rgb.some((c) => image.data[p + c]! < 235)) inked++;
  }
  return { width: image.width, height: image.height, inked };
}
