/**
 * The check's step on the WebGPU engine under a given tuning, and a TypeScript copy of its
 * dropout hash (`DROPOUT_HASH` in `_wgsl.ts`) so the reference can drop the same elements.
 * WebGPU errors (validation, out of memory, internal) are caught in error scopes and thrown,
 * never read back as numbers.
 *
 * @module
 */
import { GpuError } from "../../errors.ts";
import type { TrainingPlan } from "../plan.ts";
import { createWebGpuExecutor } from "../webgpu/executor.ts";
import { dropoutThreshold } from "../webgpu/_wgsl.ts";
import type { Tuning } from "../webgpu/_tiles.ts";
import { type EngineStep, type EngineStepInput, identityOrder } from "./_engine_step.ts";

function pcg(x: number): number {
  const s = (Math.imul(x, 747796405) + 2891336453) >>> 0;
  const w = Math.imul(((s >>> ((s >>> 28) + 4)) ^ s) >>> 0, 277803737) >>> 0;
  return ((w >>> 22) ^ w) >>> 0;
}

/** The WebGPU engine's keep decision for element `i` in step `step` of an epoch with `seed`. */
export function webgpuKeep(seed: number, step: number, rate: number, i: number): boolean {
  return pcg((pcg((pcg(seed) ^ step) >>> 0) ^ i) >>> 0) >= dropoutThreshold(rate);
}

/**
 * The WebGPU engine's dropout decisions in the first step of an epoch with `seed`, per layer
 * (a layer without dropout keeps everything), wherever the engine ran: Deno or a browser.
 */
export function webgpuKeepOf(plan: TrainingPlan, seed: number): EngineStep["keep"] {
  const rates = new Map(
    plan.layers.flatMap((l) => l.kind === "dropout" ? [[l.index, l.rate]] : []),
  );
  return (layer, i) => webgpuKeep(seed, 0, rates.get(layer) ?? 0, i);
}

/**
 * Runs one step of the WebGPU engine.
 *
 * @param input Architecture, plan, inputs and seed.
 * @param device The device.
 * @param tuning The kernel tuning to generate.
 * @returns What the step produced.
 * @throws {GpuError} on a WebGPU error (the message names it).
 */
export async function webgpuStep(
  input: EngineStepInput,
  device: GPUDevice,
  tuning: Tuning,
): Promise<EngineStep> {
  const scopes = ["validation", "out-of-memory", "internal"] as const;
  for (const scope of scopes) device.pushErrorScope(scope);
  const outcome = await stepOn(input, device, tuning).then(
    (step) => ({ step }),
    (error: unknown) => ({ error }),
  );
  // Popped innermost first; the first error found is the one reported.
  const errors = [];
  for (const scope of [...scopes].reverse()) errors.push([scope, await device.popErrorScope()]);
  const found = errors.find(([, e]) => e) as [string, GPUError] | undefined;
  if (found) {
    throw new GpuError(`WebGPU ${found[0]} error: ${found[1].message.split("\n")[0]}`);
  }
  if ("error" in outcome) throw outcome.error;
  return outcome.step;
}

async function stepOn(
  input: EngineStepInput,
  device: GPUDevice,
  tuning: Tuning,
): Promise<EngineStep> {
  const { plan, inputs } = input;
  const n = plan.batchSize;
  const executor = await createWebGpuExecutor({
    device,
    arch: input.arch,
    batchSize: n,
    optimizer: inputs.optimizer,
    train: { images: inputs.images, labels: inputs.labels, count: n },
    tuning,
  });
  try {
    const { params, slots, accBeta, state } = inputs;
    executor.writeState({ params, slots, accBeta, state });
    executor.beginEpoch(identityOrder(n), input.seed);
    executor.step(n, true);
    const [lossSum, correct] = await executor.readSums();
    const grads = await executor.read("grads", plan.paramCount * 4);
    // With the moving statistics (the executor's "state" buffer; empty without a batchNorm).
    const after = await executor.readState();
    return {
      lossSum,
      correct,
      grads,
      after,
      keep: webgpuKeepOf(plan, input.seed),
    };
  } finally {
    executor.dispose();
  }
}
