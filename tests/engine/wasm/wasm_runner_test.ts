import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { TrainingDivergedError } from "../../../lib/errors.ts";
import { syntheticSplit, useCpu } from "../../_synthetic.ts";
import {
  assertStatesClose,
  runEpochs,
  runnerInput,
  stateOf,
  withDropout,
} from "../_engine_test_utils.ts";
import { createTfjsRunner } from "../../../lib/train/tfjs_runner.ts";
import { createWasmEngineRunner } from "../../../lib/engine/wasm/create_wasm_runner.ts";
import { limitSplit } from "../../../lib/data/tensors.ts";
import { loadMnist } from "../../../lib/data/load_mnist.ts";
import { getArchitecture } from "../../../lib/models/architectures.ts";
import { mulberry32 } from "../../../lib/random.ts";

/** One epoch of `name` (dropout off) on both paths: results, weights and slots agree. */
async function parity(name: string, batch: number, count: number, threads: number) {
  await useCpu();
  const arch = withDropout(name, 0);
  const train = syntheticSplit(count, 3);
  const [tfjsInput, engineInput] = [
    runnerInput(arch, train, batch),
    runnerInput(arch, train, batch),
  ];
  const runners = [
    createTfjsRunner(tfjsInput),
    await createWasmEngineRunner(engineInput, { architecture: arch, threads }),
  ];
  const [[tfjs], [engine]] = [await runEpochs(runners[0]!, 1), await runEpochs(runners[1]!, 1)];
  await Promise.all(runners.map((r) => r.sync()));
  runners.forEach((r) => r.dispose());
  if (tfjs!.aborted || engine!.aborted) throw new Error("an epoch reported aborted");
  const lossError = Math.abs(engine!.loss / tfjs!.loss - 1);
  assert.ok(lossError <= 1e-4, `${name}: loss ${engine!.loss} vs tfjs ${tfjs!.loss}`);
  assert.equal(engine!.acc, tfjs!.acc, `${name}: accuracy`);
  assertStatesClose(await stateOf(engineInput), await stateOf(tfjsInput));
  [tfjsInput, engineInput].forEach((input) => input.model.dispose());
}

// One per optimizer (mlp: Adam, cnn-basic: RMSprop); cpu_engine_test.ts covers every
// architecture's kernels, and the tfjs cpu reference of the bigger two takes ~1 min here.
for (const name of ["mlp", "cnn-basic"]) {
  Deno.test(`wasm engine runner: an epoch of ${name} (tail batch included) matches the tfjs cpu path`, async () => {
    await parity(name, 8, 21, 2);
  });
}

Deno.test("wasm engine runner: 1 thread; sync + a new runner continues the run exactly", async () => {
  await parity("mlp", 8, 24, 1);
  await useCpu();
  const arch = getArchitecture("cnn-basic"); // dropout on
  const train = syntheticSplit(16, 4);
  const reference = runnerInput(arch, train, 8);
  const one = await createWasmEngineRunner(reference, { threads: 2 });
  await runEpochs(one, 2);
  await one.sync();
  one.dispose();
  // Two runners in turn over one model: the second starts from what the first synced
  // (weights, RMSprop slots, iterations), so the run ends bit-for-bit where one runner's does.
  const input = runnerInput(arch, train, 8);
  const random = mulberry32(11);
  for (let epoch = 1; epoch <= 2; epoch++) {
    const runner = await createWasmEngineRunner(input, { threads: 2 });
    await runner.runEpoch({ epoch, epochs: 2, random, progressUpdates: 2 });
    await runner.sync();
    runner.dispose();
  }
  assertStatesClose(await stateOf(input), await stateOf(reference), 0);
  input.model.dispose();
  reference.model.dispose();
});

Deno.test("wasm engine runner: an aborted signal stops before the next step", async () => {
  await useCpu();
  const input = runnerInput(getArchitecture("mlp"), syntheticSplit(32, 1), 8);
  const runner = await createWasmEngineRunner(input);
  const controller = new AbortController();
  controller.abort();
  const result = await runner.runEpoch({
    epoch: 1,
    epochs: 1,
    random: mulberry32(1),
    progressUpdates: 1,
    signal: controller.signal,
  });
  runner.dispose();
  assert.deepEqual(result, { aborted: true });
});

Deno.test("wasm engine runner: a diverged loss throws TrainingDivergedError", async () => {
  await useCpu();
  const input = runnerInput(getArchitecture("mlp"), syntheticSplit(16, 1), 8);
  const kernel = input.model.trainableWeights[0]!.read() as tf.Variable;
  kernel.assign(tf.fill(kernel.shape, NaN));
  const runner = await createWasmEngineRunner(input);
  await assert.rejects(
    () => runner.runEpoch({ epoch: 1, epochs: 1, random: mulberry32(1), progressUpdates: 1 }),
    TrainingDivergedError,
  );
  runner.dispose();
  input.model.dispose();
});

Deno.test("wasm engine runner: cnn-deep's loss goes down over 300 steps of real MNIST", async () => {
  await useCpu();
  const mnist = await loadMnist();
  const input = runnerInput(getArchitecture("cnn-deep"), limitSplit(mnist.train, 300 * 32), 32);
  const runner = await createWasmEngineRunner(input);
  const losses: number[] = [];
  const result = await runner.runEpoch({
    epoch: 1,
    epochs: 1,
    random: mulberry32(3),
    progressUpdates: 6,
    onProgress: (p) => losses.push(p.loss),
  });
  runner.dispose();
  assert.ok(!result.aborted && result.acc > 0.8, `accuracy ${JSON.stringify(result)}`);
  // Progress losses are running means; the first 50 steps' mean is well above the epoch's.
  assert.ok(losses.at(-1)! < 0.7 * losses[0]!, `losses ${losses}`);
  input.model.dispose();
});
