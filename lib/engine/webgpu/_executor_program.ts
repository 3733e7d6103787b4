/**
 * Programs of the executor: a list of kernels turned into dispatches (pipeline, bind group,
 * workgroup counts), every distinct pipeline of all the programs built at once with
 * `createComputePipelineAsync` and reported as each completes, and the encoding of a program
 * into a compute pass.
 *
 * @module
 */
import { pipelineFor } from "./_gpu_io.ts";
import type { Kernel } from "./_wgsl.ts";

/** One recorded dispatch of a step: pipeline, bind group and workgroup counts. */
export interface Dispatch {
  label: string;
  pipeline: GPUComputePipeline;
  group: GPUBindGroup;
  groups: [number, number];
}

/** Called as pipelines are built: `done` of `total` distinct ones (first with `done` 0). */
export type PipelineProgress = (done: number, total: number) => void;

function dispatchOf(
  device: GPUDevice,
  kernel: Kernel,
  pipeline: GPUComputePipeline,
  buffer: (name: string) => GPUBuffer,
): Dispatch {
  const group = device.createBindGroup({
    label: kernel.label,
    layout: pipeline.getBindGroupLayout(0),
    entries: kernel.bindings.map((b, binding) => ({
      binding,
      resource: { buffer: buffer(b.buffer), ...b.uniform },
    })),
  });
  return { label: kernel.label, pipeline, group, groups: kernel.groups };
}

/**
 * Compiles programs, building their pipelines in parallel (one per distinct WGSL source).
 *
 * @param device The device.
 * @param programs Each program's kernels, in dispatch order.
 * @param buffer The executor's buffer of a binding's name.
 * @param onProgress Told of each pipeline built.
 * @returns Each program's dispatches.
 * @throws {GpuError} when a pipeline fails to build.
 */
export async function compilePrograms(
  device: GPUDevice,
  programs: readonly Kernel[][],
  buffer: (name: string) => GPUBuffer,
  onProgress?: PipelineProgress,
): Promise<Dispatch[][]> {
  const distinct = new Map<string, Kernel>();
  for (const kernel of programs.flat()) distinct.set(kernel.code, kernel);
  const total = distinct.size;
  let done = 0;
  onProgress?.(0, total);
  const built = await Promise.all(
    [...distinct.values()].map(async (kernel) => {
      const pipeline = await pipelineFor(device, kernel);
      onProgress?.(++done, total);
      return [kernel.code, pipeline] as const;
    }),
  );
  const pipelines = new Map(built);
  return programs.map((kernels) =>
    kernels.map((k) => dispatchOf(device, k, pipelines.get(k.code)!, buffer))
  );
}

/** Records a program's dispatches into a compute pass. */
export function encodeProgram(pass: GPUComputePassEncoder, program: readonly Dispatch[]): void {
  for (const d of program) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.group);
    pass.dispatchWorkgroups(d.groups[0], d.groups[1]);
  }
}
