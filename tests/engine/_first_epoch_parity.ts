/**
 * A first epoch of each compiled engine (wasm, and WebGPU where this runtime has it) against
 * the tfjs path on the cpu backend, from the same initial weights: the loss within 1 % and
 * the trained state within a tolerance. Shared by the layer-kind tests.
 */
import assert from "node:assert/strict";
import type { Architecture } from "../../lib/models/architecture.ts";
import { createTfjsRunner } from "../../lib/train/tfjs_runner.ts";
import { createWasmEngineRunner } from "../../lib/engine/wasm/create_wasm_runner.ts";
import { createWebGpuEngineRunner } from "../../lib/engine/webgpu/create_webgpu_runner.ts";
import type { EpochRunner } from "../../lib/runner/epoch_runner.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";
import { assertStatesClose, runEpochs, runnerInput, stateOf } from "./_engine_test_utils.ts";

/**
 * Trains one epoch of 40 synthetic samples (batches of 8) on tfjs and on each engine and
 * asserts the engines' loss within 1 % of tfjs' and their state within `tolerance`.
 * Returns each engine's relative loss error.
 */
export async function checkFirstEpochParity(
  arch: Architecture,
  tolerance = 1e-3,
): Promise<Record<string, number>> {
  await useCpu();
  const train = syntheticSplit(40, 3);
  const batch = 8;
  const tfjsInput = runnerInput(arch, train, batch);
  const [expected] = await runEpochs(createTfjsRunner(tfjsInput), 1);
  const state = await stateOf(tfjsInput);
  tfjsInput.model.dispose();
  const engines: [string, (i: ReturnType<typeof runnerInput>) => Promise<EpochRunner>][] = [
    ["wasm", (i) => createWasmEngineRunner(i, { architecture: arch, threads: 2 })],
  ];
  if (HAS_WEBGPU) {
    engines.push(["webgpu", (i) => createWebGpuEngineRunner(i, { architecture: arch })]);
  }
  const errors: Record<string, number> = {};
  for (const [name, create] of engines) {
    const input = runnerInput(arch, train, batch);
    const runner = await create(input);
    const [actual] = await runEpochs(runner, 1);
    await runner.sync();
    runner.dispose();
    assertStatesClose(await stateOf(input), state, tolerance);
    input.model.dispose();
    assert.ok(!expected!.aborted && !actual!.aborted);
    const error = Math.abs(actual!.loss / expected!.loss - 1);
    assert.ok(error <= 0.01, `${name}: loss ${actual!.loss} vs tfjs ${expected!.loss}`);
    errors[name] = error;
  }
  return errors;
}
