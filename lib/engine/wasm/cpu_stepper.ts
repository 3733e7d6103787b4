/**
 * The CPU engine as the shared epoch loop's `Stepper` (`compiled_epoch.ts`): steps walk the
 * epoch's order in the engine's memory, dropout seeds derive from the epoch's seed and the
 * step, and the running sums are taken at progress points. Used by the Deno runner and the
 * browser trainer alike.
 *
 * @module
 */
import type { Stepper } from "../compiled_epoch.ts";
import type { CpuEngine } from "./cpu_engine.ts";

/** One 32-bit dropout seed per dropout layer and step, from the epoch's seed. */
function stepSeeds(epochSeed: number, step: number, layers: number): number[] {
  return Array.from({ length: layers }, (_, i) => {
    let x = (epochSeed ^ Math.imul(step + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x85ebca77)) >>> 0;
    x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
    return (x ^ (x >>> 15)) >>> 0;
  });
}

/**
 * A stepper over an engine whose dataset region holds `count` samples.
 *
 * @param engine The engine (its images and labels already set).
 * @param count Samples in the training split.
 * @returns The stepper.
 */
export function cpuStepper(engine: CpuEngine, count: number): Stepper {
  const dropouts = engine.plan.layers.filter((l) => l.kind === "dropout").length;
  let epochSeed = 0;
  let offset = 0;
  let step = 0;
  let sums: [number, number] = [0, 0];
  return {
    count,
    batchSize: engine.plan.batchSize,
    beginEpoch(order: Int32Array, seed: number) {
      engine.order.set(order);
      engine.takeSums();
      epochSeed = seed;
      offset = 0;
      step = 0;
      sums = [0, 0];
    },
    step(size: number, readback: boolean) {
      engine.step(size, offset, stepSeeds(epochSeed, step++, dropouts));
      offset += size;
      if (readback) {
        const { loss, correct } = engine.takeSums();
        sums = [sums[0] + loss, sums[1] + correct];
      }
    },
    // A macrotask, so an abort signalled meanwhile is seen before the next step.
    readSums: () => new Promise<[number, number]>((resolve) => setTimeout(() => resolve(sums), 0)),
  };
}
