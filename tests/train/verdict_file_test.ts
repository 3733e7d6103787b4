import assert from "node:assert/strict";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticMnist } from "../_synthetic.ts";
import { trainCnn } from "../../lib/train/train_cnn.ts";

Deno.test({
  name: "trainCnn({ verdictFile }) caches the WebGPU self-check verdict where it is told",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const verdictFile = `${dir}/elsewhere/verdicts.json`;
    const notes: string[] = [];
    const result = await trainCnn({
      arch: "mlp",
      backend: "webgpu",
      engine: "auto",
      data: syntheticMnist(16, 8),
      epochs: 1,
      batchSize: 8,
      seed: 3,
      verdictFile,
      onNote: (line) => notes.push(line),
    });
    result.model.dispose();
    const stored = JSON.parse(await Deno.readTextFile(verdictFile));
    const keys = Object.keys(stored);
    assert.equal(keys.length, 1, notes.join("\n"));
    assert.match(keys[0]!, /\| mlp b8 adam /);
    await Deno.remove(dir, { recursive: true });
  },
});
