/**
 * The executor's forward-only inference against the tfjs model's `predict`, after three
 * training steps of the engine (dropout on, so inference must pass everything): the same
 * parameters, written back into the tfjs model, give the same probabilities. 21 images at
 * batch 8 cover a partial last batch; the training state is unchanged by inference.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { HAS_WEBGPU } from "../../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit, useCpu } from "../../_synthetic.ts";
import { getArchitecture } from "../../../lib/models/architectures.ts";
import { imagesToTensor } from "../../../lib/data/tensors.ts";
import { engineDevice } from "../../../lib/engine/webgpu/engine_device.ts";
import { createWebGpuExecutor } from "../../../lib/engine/webgpu/executor.ts";
import {
  compiledOptimizerSpec,
  loadTrainingState,
  writeTrainingState,
} from "../../../lib/engine/tfjs_state.ts";
import { runnerInput } from "../_engine_test_utils.ts";

const BATCH = 8;

async function inferParity(name: string): Promise<void> {
  await useCpu();
  const arch = getArchitecture(name);
  assert.ok(arch.layers.some((l) => l.type === "dropout" && l.rate > 0), `${name} has dropout`);
  const train = syntheticSplit(3 * BATCH, 3);
  const input = runnerInput(arch, train, BATCH);
  const spec = compiledOptimizerSpec(input.optimizer);
  const device = await engineDevice();
  const executor = await createWebGpuExecutor({
    device,
    arch,
    batchSize: BATCH,
    optimizer: spec,
    train,
  });
  try {
    executor.writeState(await loadTrainingState(input.model, input.optimizer, spec, executor.plan));
    executor.beginEpoch(Int32Array.from({ length: train.count }, (_, i) => i), 7);
    for (let s = 0; s < 3; s++) executor.step(BATCH);
    const trained = await executor.readState();
    writeTrainingState(input.model, input.optimizer, spec, executor.plan, trained, 3);
    const test = syntheticSplit(21, 9);
    const probs = await executor.infer(test.images, test.count);
    const x = imagesToTensor(test);
    const y = input.model.predict(x) as tf.Tensor;
    const expected = y.dataSync() as Float32Array;
    tf.dispose([x, y]);
    assert.equal(probs.length, test.count * 10);
    let worst = 0;
    expected.forEach((e, i) => (worst = Math.max(worst, Math.abs(probs[i]! - e))));
    console.log(`${name}: infer vs predict, worst absolute difference ${worst.toExponential(2)}`);
    assert.ok(worst <= 1e-4, `${name}: worst difference ${worst}`);
    const after = await executor.read("params", executor.plan.paramCount * 4);
    assert.deepEqual(after, trained.params, "inference changed no parameter");
    assert.deepEqual(await executor.infer(new Uint8Array(0), 0), new Float32Array(0));
    await assert.rejects(() => executor.infer(test.images, 20), /infer needs 20 images/);
  } finally {
    executor.dispose();
    input.model.dispose();
    input.optimizer.dispose();
  }
}

for (const name of ["cnn-basic", "mlp"]) {
  Deno.test({
    name: `engine (webgpu): infer() after three steps of ${name} equals the tfjs model's predict`,
    ignore: !HAS_WEBGPU,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: () => inferParity(name),
  });
}
