/**
 * The check's step on the wasm engine, and a TypeScript copy of its dropout hash
 * (`mix32` and the mask of OP_DROP in `kernels/dropout.h`) so the reference can
 * drop the same elements.
 *
 * @module
 */
import { createCpuEngine, hardwareCpuThreads } from "../wasm/cpu_engine.ts";

import { type EngineStep, type EngineStepInput, identityOrder } from "./_engine_step.ts";

function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The wasm engine's keep decision for element `e` of a dropout layer with `seed`. */
export function wasmKeep(seed: number, rate: number, e: number): boolean {
  const h = mix32((seed ^ mix32((Math.imul(e, 0x9e3779b9) + 0x632be5ab) >>> 0)) >>> 0);
  return (h >>> 8) / 16777216 >= Math.fround(rate);
}

/**
 * Runs one step of the wasm engine.
 *
 * @param input Architecture, plan, inputs and seed.
 * @param threads The engine's threads. @default `hardwareCpuThreads()`
 * @returns What the step produced.
 */
export async function wasmStep(
  input: EngineStepInput,
  threads: number = hardwareCpuThreads(),
): Promise<EngineStep> {
  const { plan, inputs } = input;
  const n = plan.batchSize;
  const engine = await createCpuEngine({
    arch: input.arch,
    batchSize: n,
    optimizer: inputs.optimizer,
    samples: n,
    threads,
  });
  try {
    engine.images.set(inputs.images);
    engine.labels.set(inputs.labels);
    engine.order.set(identityOrder(n));
    engine.params.set(inputs.params);
    engine.state.set(inputs.state);
    inputs.slots.forEach((slot, k) => engine.slots[k]!.set(slot));
    engine.accBeta = [...inputs.accBeta];
    engine.state.set(inputs.state);
    const dropouts = plan.layers.filter((l) => l.kind === "dropout");
    const seeds = dropouts.map((_, k) =>
      (Math.imul(input.seed + k, 0x9e3779b1) ^ 0x5bd1e995) >>> 0
    );
    engine.step(n, 0, seeds, true);
    const sums = engine.takeSums();
    return {
      lossSum: sums.loss,
      correct: sums.correct,
      grads: Float32Array.from(engine.gradient),
      after: {
        params: Float32Array.from(engine.params),
        slots: inputs.slots.map((_, k) => Float32Array.from(engine.slots[k]!)),
        accBeta: engine.accBeta,
        state: Float32Array.from(engine.state),
      },
      keep: (layer, i) => {
        const k = dropouts.findIndex((l) => l.index === layer);
        const l = dropouts[k]!;
        return l.kind === "dropout" && wasmKeep(seeds[k]!, l.rate, i);
      },
    };
  } finally {
    engine.dispose();
  }
}
