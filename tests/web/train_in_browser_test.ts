/**
 * `trainInBrowser` on Deno's WebGPU (the page runs the same code on Chromium's; see
 * `tools/web_smoke.ts`): Keras-style lines, the first step's loss, ms/step, evaluation
 * through the open engine, and a stop mid-epoch.
 */
import assert from "node:assert/strict";
import { trainInBrowser } from "../../lib/web/train_in_browser.ts";
import { evaluateInBrowser, modelInference } from "../../lib/web/evaluate_in_browser.ts";
import { openWebGpuInference, requestBrowserGpu } from "../../lib/web/_webgpu_engine.ts";
import { exportModelFiles, modelFromFiles } from "../../lib/web/model_files.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticMnist } from "../_synthetic.ts";
import { localStorageVerdictCache } from "../../lib/web/local_storage_cache.ts";
import { parseArchitecture } from "../../lib/models/arch_file/parse_architecture.ts";

const options = { ignore: !HAS_WEBGPU, sanitizeResources: false, sanitizeOps: false };
const gpu = HAS_WEBGPU ? await requestBrowserGpu() : undefined;

Deno.test({
  ...options,
  name: "trainInBrowser: first-step loss ≈ ln 10, Keras lines, a model that learns and evaluates",
  fn: async () => {
    const data = syntheticMnist(320, 100);
    const lines: string[] = [];
    const progress: string[] = [];
    const run = await trainInBrowser({
      arch: "mlp",
      data,
      epochs: 2,
      batchSize: 32,
      gpu,
      progressUpdates: 2,
      onLog: (line) => lines.push(line),
      onProgress: (p) => progress.push(p.line),
    });
    try {
      assert.equal(run.aborted, false);
      assert.ok(Math.abs(run.firstStepLoss! - Math.log(10)) < 0.5, `${run.firstStepLoss}`);
      assert.ok(run.msPerStep > 0);
      assert.match(lines[0]!, /^Engine: compiled webgpu on /);
      assert.match(lines.join("\n"), /First step: loss 2\.\d{4}/);
      assert.match(lines.at(-1)!, /^10\/10 \[=+\] - .* \d+ms\/step - loss: \d\.\d{4} - acc: /);
      // Epoch 1: the first step, then every 5th; epoch 2: every 5th.
      assert.deepEqual(progress.map((l) => l.trim().split(" ")[0]), [
        "1/10",
        "5/10",
        "10/10",
        "5/10",
        "10/10",
      ]);
      assert.equal(run.model.history.length, 2);
      assert.ok(run.model.history[1]!.loss < run.model.history[0]!.loss);
      const onEngine = await evaluateInBrowser(run.engine.infer, data.test);
      const onCpu = await evaluateInBrowser(modelInference(run.model), data.test);
      assert.ok(onEngine.accuracy > 0.5, `accuracy ${onEngine.accuracy}`);
      assert.deepEqual(onEngine.predictions, onCpu.predictions);
      assert.ok(Math.abs(onEngine.loss - onCpu.loss) < 1e-4);
      // The model saved and loaded again, on a GPU inference program of its own.
      const loaded = await modelFromFiles(await exportModelFiles(run.model));
      const gpuInference = await openWebGpuInference(loaded, gpu!, 64);
      try {
        const reloaded = await evaluateInBrowser(gpuInference.infer, data.test);
        assert.deepEqual(reloaded.predictions, onEngine.predictions);
        assert.ok(Math.abs(reloaded.loss - onEngine.loss) < 1e-5);
      } finally {
        gpuInference.dispose();
      }
    } finally {
      run.engine.dispose();
    }
  },
});

Deno.test({
  ...options,
  name: "trainInBrowser: an abort stops after the current step, with the epochs finished so far",
  fn: async () => {
    const controller = new AbortController();
    const run = await trainInBrowser({
      arch: "mlp",
      data: syntheticMnist(320, 10),
      epochs: 3,
      batchSize: 32,
      gpu,
      progressUpdates: 10,
      signal: controller.signal,
      onProgress: (p) => p.epoch === 2 && p.step === 3 && controller.abort(),
    });
    run.engine.dispose();
    assert.equal(run.aborted, true);
    assert.equal(run.model.history.length, 1);
  },
});

Deno.test({
  sanitizeResources: false,
  sanitizeOps: false,
  name: "trainInBrowser on the CPU engine: learns, and its first step's loss is WebGPU's",
  fn: async () => {
    const lenet = parseArchitecture(
      await Deno.readTextFile(new URL("../../examples/lenet5.keras.json", import.meta.url)),
    );
    const data = syntheticMnist(96, 40);
    const common = { arch: lenet, data, epochs: 2, batchSize: 32, learningRate: 0.01 };
    const lines: string[] = [];
    const run = await trainInBrowser({ ...common, engine: "wasm", onLog: (l) => lines.push(l) });
    try {
      assert.match(lines[0]!, /^Engine: compiled wasm on CPU, (relaxed|plain) SIMD, \d+ threads?$/);
      assert.ok(run.model.history[1]!.loss < run.model.history[0]!.loss);
      const evaluation = await evaluateInBrowser(run.engine.infer, data.test);
      const onCpu = await evaluateInBrowser(modelInference(run.model), data.test);
      assert.deepEqual(evaluation.predictions, onCpu.predictions);
      if (!HAS_WEBGPU) return;
      const onGpu = await trainInBrowser({ ...common, epochs: 1, gpu });
      onGpu.engine.dispose();
      assert.ok(Math.abs(onGpu.firstStepLoss! - run.firstStepLoss!) < 1e-5);
    } finally {
      run.engine.dispose();
    }
  },
});

Deno.test({
  ...options,
  name: "trainInBrowser({ selfCheck }): the self-check runs once per plan, then its stored verdict",
  fn: async () => {
    const key = `test-${crypto.randomUUID()}`;
    try {
      const cache = localStorageVerdictCache(localStorage, key);
      const checkLines: string[] = [];
      for (let run = 0; run < 2; run++) {
        const result = await trainInBrowser({
          arch: "mlp",
          data: syntheticMnist(64, 10),
          epochs: 1,
          batchSize: 32,
          gpu,
          selfCheck: { cache },
          onLog: (line) => line.startsWith("Self-check") && checkLines.push(line),
        });
        result.engine.dispose();
      }
      assert.equal(checkLines.length, 2);
      assert.match(checkLines[0]!, /^Self-check: passed \(worst relative error \d\.\de-\d+\)$/);
      assert.match(checkLines[1]!, /, cached\)$/);
    } finally {
      localStorage.removeItem(key);
    }
  },
});
