/**
 * A small but complete report input: an untrained seeded model, a synthetic test split with
 * known mistakes, and metadata with a three-epoch history.
 */
import type * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../lib/models/build_model.ts";
import type { ModelMetadata } from "../../lib/models/metadata.ts";
import type { WriteReportOptions } from "../../lib/report/write_report.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { fakeEvaluation } from "./_fixtures.ts";

/** Report options for `arch`, writing into `outDir`. */
export function reportInput(
  outDir: string,
  arch = "cnn-basic",
): WriteReportOptions & { model: tf.Sequential } {
  const testSplit = syntheticSplit(120, 3);
  const evaluation = fakeEvaluation(testSplit);
  const metadata: ModelMetadata = {
    format: 1,
    arch,
    recipe: { optimizer: "rmsprop", learningRate: 0.001, batchSize: 100, epochs: 3 },
    seed: 1,
    trainCount: 60_000,
    validation: 0.1,
    datasetSha256: { "t10k-images-idx3-ubyte": "0fa7898d" },
    epochsCompleted: 3,
    history: [1, 2, 3].map((epoch) => ({
      epoch,
      loss: 0.3 / epoch,
      acc: 0.95 + epoch / 100,
      valLoss: 0.35 / epoch,
      valAcc: 0.94 + epoch / 100,
      seconds: 12,
      imagesPerSecond: 5000,
    })),
    test: { loss: 0.2, accuracy: evaluation.accuracy, wrong: evaluation.wrong, count: 120 },
    backend: "cpu",
    date: "2026-11-23T00:00:00.000Z",
  };
  return { model: buildModel(arch, { seed: 1 }), metadata, evaluation, testSplit, outDir };
}
