import assert from "node:assert/strict";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";
import { createTfjsRunner } from "../../lib/train/tfjs_runner.ts";
import { createWebGpuEngineRunner } from "../../lib/engine/webgpu/create_webgpu_runner.ts";
import {
  assertStatesClose,
  runEpochs,
  runnerInput,
  stateOf,
  withDropout,
} from "./_engine_test_utils.ts";

const ARCHS = ["mlp", "cnn-basic", "cnn-wide", "cnn-deep"];

async function parity(name: string, batch: number, count: number): Promise<void> {
  await useCpu();
  const arch = withDropout(name, 0);
  const train = syntheticSplit(count, 3);
  const reference = runnerInput(arch, train, batch);
  const [expected] = await runEpochs(createTfjsRunner(reference), 1);
  const engineInput = runnerInput(arch, train, batch);
  const runner = await createWebGpuEngineRunner(engineInput, { architecture: arch });
  const [actual] = await runEpochs(runner, 1);
  await runner.sync();
  runner.dispose();
  assert.ok(!expected!.aborted && !actual!.aborted);
  if (!expected!.aborted && !actual!.aborted) {
    const lossError = Math.abs(actual!.loss - expected!.loss) / Math.abs(expected!.loss);
    assert.ok(lossError <= 1e-4, `${name}: loss ${actual!.loss} vs ${expected!.loss}`);
    assert.equal(actual!.acc, expected!.acc, `${name}: accuracy`);
  }
  assertStatesClose(await stateOf(engineInput), await stateOf(reference));
}

for (const name of ARCHS) {
  Deno.test({
    name: `engine (webgpu): 3 steps of ${name} match the tfjs cpu path, also with a tail batch`,
    ignore: !HAS_WEBGPU,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      await parity(name, 8, 24);
      await parity(name, 8, 21);
    },
  });
}
