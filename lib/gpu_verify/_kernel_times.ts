/**
 * GPU time of each dispatch of a compiled training step, from `timestamp-query`: the step's
 * dispatches are encoded one compute pass each (a profiling mode: the engine itself puts the
 * whole step in one pass), each pass with `timestampWrites` at its start and end, and the
 * query set resolved and read back once per step. Wall clocks cannot do this on Deno (every
 * readback costs ≥ 10 ms, see `_readback.ts`); the GPU's own clock can.
 *
 * wgpu resolves raw timestamp ticks; they are taken as nanoseconds, which they are on NVIDIA's
 * Vulkan driver and on lavapipe (`timestampPeriod` 1). A step's kernel sum beside phase 1's
 * ms/step shows if that ever stops holding.
 *
 * @module
 */
import { limitSplit } from "../data/tensors.ts";
import type { MnistSplit } from "../data/types.ts";
import { compiledOptimizerSpec, loadTrainingState } from "../engine/tfjs_state.ts";
import { createWebGpuExecutor, type WebGpuExecutor } from "../engine/webgpu/executor.ts";
import { getArchitecture } from "../models/architectures.ts";
import { buildModel } from "../models/build_model.ts";
import { createOptimizer } from "../train/optimizer.ts";

/** One dispatch's GPU time, median over the profiled steps. */
export interface KernelTime {
  kernel: string;
  workgroups: number;
  microseconds: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Encodes one step, a pass per dispatch, and reads the timestamps back (ns per dispatch). */
async function profiledStep(
  device: GPUDevice,
  program: ReturnType<WebGpuExecutor["program"]>,
  querySet: GPUQuerySet,
  resolve: GPUBuffer,
  staging: GPUBuffer,
): Promise<number[]> {
  const encoder = device.createCommandEncoder();
  program.forEach((d, i) => {
    const pass = encoder.beginComputePass({
      timestampWrites: {
        querySet,
        beginningOfPassWriteIndex: 2 * i,
        endOfPassWriteIndex: 2 * i + 1,
      },
    });
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.group);
    pass.dispatchWorkgroups(d.groups[0], d.groups[1]);
    pass.end();
  });
  encoder.resolveQuerySet(querySet, 0, 2 * program.length, resolve, 0);
  encoder.copyBufferToBuffer(resolve, 0, staging, 0, 16 * program.length);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const ticks = new BigUint64Array(staging.getMappedRange().slice(0));
  staging.unmap();
  return program.map((_, i) => Number(ticks[2 * i + 1]! - ticks[2 * i]!));
}

/**
 * Profiles `steps` training steps of an architecture at a batch size on `device`, which
 * must have been created with the `timestamp-query` feature.
 *
 * @param device A device with `timestamp-query`.
 * @param train Samples (the first `batch` are used).
 * @param options Architecture, batch, profiled steps (after one untimed step).
 * @returns Each dispatch's median GPU time, in dispatch order.
 */
export async function kernelTimes(
  device: GPUDevice,
  train: MnistSplit,
  options: { arch: string; batch: number; steps: number },
): Promise<KernelTime[]> {
  const { arch, batch } = options;
  const recipe = getArchitecture(arch).recipe;
  const model = buildModel(arch, { seed: 1 });
  const optimizer = createOptimizer(recipe.optimizer, recipe.learningRate);
  const spec = compiledOptimizerSpec(optimizer);
  const samples = limitSplit(train, batch);
  const executor = await createWebGpuExecutor({
    device,
    arch,
    batchSize: batch,
    optimizer: spec,
    train: samples,
  });
  const buffers = [
    device.createBuffer({
      size: 16 * executor.dispatchesPerStep,
      usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
    }),
    device.createBuffer({
      size: 16 * executor.dispatchesPerStep,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    }),
  ] as const;
  const querySet = device.createQuerySet({
    type: "timestamp",
    count: 2 * executor.dispatchesPerStep,
  });
  try {
    executor.writeState(await loadTrainingState(model, optimizer, spec, executor.plan));
    const program = executor.program(executor.plan.batchSize);
    const order = Int32Array.from({ length: samples.count }, (_, i) => i);
    const samplesPerKernel: number[][] = program.map(() => []);
    for (let step = 0; step <= options.steps; step++) {
      executor.beginEpoch(order, step);
      const ns = await profiledStep(device, program, querySet, ...buffers);
      if (step > 0) ns.forEach((t, i) => samplesPerKernel[i]!.push(t)); // step 0 warms up
    }
    return program.map((d, i) => ({
      kernel: d.label,
      workgroups: d.groups[0] * d.groups[1],
      microseconds: median(samplesPerKernel[i]!) / 1000,
    }));
  } finally {
    querySet.destroy();
    for (const b of buffers) b.destroy();
    executor.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
