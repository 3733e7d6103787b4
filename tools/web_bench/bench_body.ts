/**
 * The measurement `tools/web_bench.ts` runs twice, in Deno and in a headless Chromium page:
 * cnn-deep on the compiled WebGPU engine at batch 64, under each kernel tuning, timing the
 * pipeline builds (`createWebGpuExecutor`), the first step on its own, then `steps` steps with a
 * single readback at the end. The images are seeded noise: a step's time does not
 * depend on the pixel values, and neither side has to load MNIST.
 *
 * @module
 */
import { getArchitecture } from "../../lib/models/architectures.ts";
import { kerasOptimizer } from "../../lib/engine/check/_check_inputs.ts";
import { createWebGpuExecutor } from "../../lib/engine/webgpu/executor.ts";
import type { Tuning } from "../../lib/engine/webgpu/_tiles.ts";
import { freshState } from "../../lib/web/fresh_state.ts";
import { mulberry32 } from "../../lib/random.ts";

/** One tuning's numbers. */
export interface BenchRow {
  tuning: Tuning;
  pipelinesMs: number;
  pipelines: number;
  /** The first step, read back: where a driver that compiles lazily pays for it. */
  firstStepMs: number;
  msPerStep: number;
  steps: number;
}

const BATCH = 64;

/**
 * Measures cnn-deep under each tuning on `device`.
 *
 * @param device The WebGPU device.
 * @param tunings The tunings to measure.
 * @param steps Timed steps per tuning.
 * @returns One row per tuning.
 */
export async function benchCnnDeep(
  device: GPUDevice,
  tunings: Tuning[],
  steps: number,
): Promise<BenchRow[]> {
  const count = BATCH * (steps + 1);
  const random = mulberry32(7);
  const images = Uint8Array.from({ length: count * 784 }, () => Math.floor(random() * 256));
  const labels = Uint8Array.from({ length: count }, () => Math.floor(random() * 10));
  const train = { images, labels, count };
  const optimizer = kerasOptimizer("adam", 0.001);
  const rows: BenchRow[] = [];
  for (const tuning of tunings) {
    let pipelines = 0;
    const start = performance.now();
    const executor = await createWebGpuExecutor(
      { device, arch: getArchitecture("cnn-deep"), batchSize: BATCH, optimizer, train, tuning },
      { onProgress: (_done: number, total: number) => (pipelines = total) },
    );
    const pipelinesMs = performance.now() - start;
    executor.writeState(freshState(executor.plan, optimizer, 1));
    executor.beginEpoch(Int32Array.from({ length: count }, (_, i) => i), 1);
    const first = performance.now();
    executor.step(BATCH, true);
    await executor.readSums();
    const firstStepMs = performance.now() - first;
    const timed = performance.now();
    for (let i = 0; i < steps; i++) executor.step(BATCH, i === steps - 1);
    const [loss] = await executor.readSums();
    const msPerStep = (performance.now() - timed) / steps;
    executor.dispose();
    if (!Number.isFinite(loss)) throw new Error(`cnn-deep (${tuning}): the loss is ${loss}`);
    rows.push({ tuning, pipelinesMs, pipelines, firstStepMs, msPerStep, steps });
  }
  return rows;
}
