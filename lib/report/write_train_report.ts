/**
 * The `--report` of `train`: the model's report written straight from a training result,
 * with no second evaluation pass.
 *
 * @module
 */
import type { MnistData } from "../data/types.ts";
import { limitSplit } from "../data/tensors.ts";
import { ModelFileError } from "../errors.ts";
import { readMetadata } from "../models/save_model.ts";
import type { TrainResult } from "../train/types.ts";
import { type ReportFiles, writeReport } from "./write_report.ts";

/**
 * Writes `report.html` for a finished `trainCnn` run whose model was saved in `modelDir`.
 *
 * @throws {ModelFileError} when `modelDir` holds no saved model.
 */
export async function writeTrainReport(
  result: TrainResult,
  data: MnistData,
  modelDir: string,
  outDir: string,
): Promise<ReportFiles> {
  const metadata = await readMetadata(modelDir);
  if (!metadata) throw new ModelFileError(`No saved model in ${modelDir} to report on`);
  return await writeReport({
    model: result.model,
    metadata,
    evaluation: result.test,
    testSplit: limitSplit(data.test, result.test.count),
    outDir,
  });
}
