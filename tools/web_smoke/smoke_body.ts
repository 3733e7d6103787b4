/**
 * The smoke run of the browser core, the same code in a page and in Deno: load MNIST from
 * URLs, train cnn-basic for one epoch on 2,000 images on WebGPU (or the CPU engine), evaluate 2,000 test images,
 * predict a drawn digit, draw the report views, and export the model's files.
 *
 * @module
 */
import {
  confusionMatrix,
  evaluateInBrowser,
  exportModelFiles,
  loadMnistFromUrls,
  localStorageVerdictCache,
  misclassified,
  mnistUrls,
  type ModelFiles,
  modelFromFiles,
  predictDigit,
  renderConfusionMatrixSvg,
  renderMisclassifiedSvg,
  trainInBrowser,
} from "../../lib/web/mod.ts";

/** What the run measured. */
export interface SmokeSummary {
  firstStepLoss?: number;
  msPerStep: number;
  epoch: { loss: number; acc: number; seconds: number };
  test: { loss: number; accuracy: number; wrong: number; count: number };
  pipelinesMs: number;
  evaluateMs: number;
  drawn: { digit: number; confidence: number };
  svgBytes: { misclassified: number; confusion: number };
  reloadedSame: boolean;
  adapter: string;
}

/** A white "1" stroke on a black 280×280 RGBA canvas, as a page's drawing would give. */
function drawnOne(): { width: number; height: number; data: Uint8ClampedArray } {
  const size = 280;
  const data = new Uint8ClampedArray(size * size * 4);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  for (let y = 50; y < 230; y++) {
    for (let x = 130; x < 150; x++) data.fill(255, (y * size + x) * 4, (y * size + x) * 4 + 3);
  }
  return { width: size, height: size, data };
}

/**
 * Runs the smoke.
 *
 * @param dataBase Where the raw MNIST files are.
 * @param log Where the lines go.
 * @param engine The compiled engine to train on.
 * @param extra A self-check first (verdict in `localStorage`), another batch size.
 * @returns The summary and the exported files.
 */
export async function smoke(
  dataBase: string | URL,
  log: (line: string) => void,
  engine: "webgpu" | "wasm" = "webgpu",
  extra: { selfCheck?: boolean; batchSize?: number } = {},
): Promise<{ summary: SmokeSummary; files: ModelFiles }> {
  const data = await loadMnistFromUrls({
    urls: mnistUrls(dataBase),
    onFile: (f) => log(`data: ${f.name} verified (${f.done}/${f.of})`),
  });
  const start = performance.now();
  let pipelinesMs = 0;
  const run = await trainInBrowser({
    arch: "cnn-basic",
    data,
    engine,
    ...(extra.selfCheck ? { selfCheck: { cache: localStorageVerdictCache() } } : {}),
    ...(extra.batchSize ? { batchSize: extra.batchSize } : {}),
    epochs: 1,
    limit: 2000,
    onLog: log,
    onPipelines: (p) => {
      if (p.done === p.total) pipelinesMs = performance.now() - start;
      log(`pipelines ${p.done}/${p.total}`);
    },
    onProgress: (p) => log(p.line),
  });
  const evalStart = performance.now();
  const test = { ...data.test, count: 2000 };
  const evaluation = await evaluateInBrowser(run.engine.infer, test);
  const evaluateMs = performance.now() - evalStart;
  const drawn = await predictDigit(run.engine.infer, drawnOne());
  const svgMis = await renderMisclassifiedSvg(misclassified(evaluation), test, { limit: 20 });
  const svgCm = await renderConfusionMatrixSvg(confusionMatrix(evaluation));
  const { loss, accuracy, wrong, count } = evaluation;
  run.model.test = { loss, accuracy, wrong, count };
  const files = await exportModelFiles(run.model);
  const again = await modelFromFiles(files);
  run.engine.dispose();
  const epoch = run.model.history[0]!;
  return {
    summary: {
      firstStepLoss: run.firstStepLoss,
      msPerStep: run.msPerStep,
      epoch: { loss: epoch.loss, acc: epoch.acc, seconds: epoch.seconds },
      test: run.model.test,
      pipelinesMs,
      evaluateMs,
      drawn: { digit: drawn.digit, confidence: drawn.confidence },
      svgBytes: { misclassified: svgMis.length, confusion: svgCm.length },
      reloadedSame: again.params.every((v, i) => v === run.model.params[i]),
      adapter: run.engine.description,
    },
    files,
  };
}
