/**
 * Device plumbing the executor shares: pipelines compiled once per device and WGSL source
 * (with an explicit layout, so bindings a kernel happens not to use stay valid), and a
 * buffer readback.
 *
 * @module
 */
import type { Kernel } from "./_wgsl.ts";

/** Pipelines per device and WGSL source: a second runner on one device compiles nothing. */
const PIPELINES = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** The compute pipeline of a kernel on a device, compiled on first use. */
export function pipelineFor(device: GPUDevice, kernel: Kernel): GPUComputePipeline {
  let cache = PIPELINES.get(device);
  if (!cache) PIPELINES.set(device, cache = new Map());
  let pipeline = cache.get(kernel.code);
  if (pipeline) return pipeline;
  const layout = device.createBindGroupLayout({
    entries: kernel.bindings.map((b, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: b.write ? "storage" : "read-only-storage" } as const,
    })),
  });
  pipeline = device.createComputePipeline({
    label: kernel.label,
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: {
      module: device.createShaderModule({ code: kernel.code, label: kernel.label }),
      entryPoint: "main",
    },
  });
  cache.set(kernel.code, pipeline);
  return pipeline;
}

/** Copies `bytes` (default: all) of a buffer to the CPU as float32. */
export async function readBuffer(
  device: GPUDevice,
  source: GPUBuffer,
  bytes = source.size,
): Promise<Float32Array<ArrayBuffer>> {
  const staging = device.createBuffer({
    size: bytes,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const encoder = device.createCommandEncoder();
  encoder.copyBufferToBuffer(source, 0, staging, 0, bytes);
  device.queue.submit([encoder.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const values = new Float32Array(staging.getMappedRange().slice(0));
  staging.destroy();
  return values;
}

/**
 * Runs one step of `size` samples kernel by kernel, each in its own submit awaited to
 * completion, and returns each kernel's wall time (for profiling; slow). With `repeat`,
 * each kernel runs that many times and the submit-and-wait latency (~10 ms on llvmpipe)
 * cancels out; the extra runs change the training state.
 */
export async function profileDispatches(
  device: GPUDevice,
  program: readonly {
    label: string;
    pipeline: GPUComputePipeline;
    group: GPUBindGroup;
    groups: [number, number];
  }[],
  repeat = 1,
): Promise<{ kernel: string; ms: number }[]> {
  const times = [];
  for (const d of program) {
    const run = async (count: number) => {
      const start = performance.now();
      const encoder = device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      for (let r = 0; r < count; r++) {
        pass.setPipeline(d.pipeline);
        pass.setBindGroup(0, d.group);
        pass.dispatchWorkgroups(d.groups[0], d.groups[1]);
      }
      pass.end();
      device.queue.submit([encoder.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - start;
    };
    const ms = repeat > 1 ? ((await run(repeat)) - (await run(1))) / (repeat - 1) : await run(1);
    times.push({ kernel: d.label, ms });
  }
  return times;
}
