/**
 * Device plumbing the executor shares: pipelines built once per device and WGSL source with
 * `createComputePipelineAsync` (with an explicit layout, so bindings a kernel happens not to
 * use stay valid), and a buffer readback. Nothing here touches a WebGPU global at import, so
 * a page without WebGPU can import the engine and report that it has none.
 *
 * @module
 */
import { GpuError } from "../../errors.ts";
import type { Kernel } from "./_wgsl.ts";

/** Pipelines per device and WGSL source: a second runner on one device compiles nothing. */
const PIPELINES = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/**
 * The compute pipeline of a kernel on a device, built on first use without blocking (a
 * browser compiles the pipelines of one program in parallel; Chromium's SwiftShader takes
 * tens of seconds for cnn-deep's). A failed build is not cached.
 *
 * @throws {GpuError} when WebGPU refuses the pipeline (the shader module's own error, if
 *   any, is also raised in the device's validation error scope).
 */
export function pipelineFor(device: GPUDevice, kernel: Kernel): Promise<GPUComputePipeline> {
  let cache = PIPELINES.get(device);
  if (!cache) PIPELINES.set(device, cache = new Map());
  const hit = cache.get(kernel.code);
  if (hit) return hit;
  const layout = device.createBindGroupLayout({
    entries: kernel.bindings.map((b, binding) => ({
      binding,
      visibility: GPUShaderStage.COMPUTE,
      buffer: { type: b.uniform ? "uniform" : b.write ? "storage" : "read-only-storage" } as const,
    })),
  });
  const built = device.createComputePipelineAsync({
    label: kernel.label,
    layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
    compute: {
      module: device.createShaderModule({ code: kernel.code, label: kernel.label }),
      entryPoint: "main",
    },
  }).catch((error: unknown) => {
    cache.delete(kernel.code);
    const reason = (error as { reason?: string }).reason ?? "pipeline";
    const line = String((error as Error).message ?? error).split("\n")[0];
    throw new GpuError(`WebGPU ${reason} error building kernel ${kernel.label}: ${line}`, {
      cause: error,
    });
  });
  cache.set(kernel.code, built);
  return built;
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

/** Writes a typed array (of any backing buffer) into a GPU buffer at a byte offset. */
export function upload(
  queue: GPUQueue,
  buffer: GPUBuffer,
  offset: number,
  view: ArrayBufferView,
): void {
  queue.writeBuffer(buffer, offset, view.buffer as ArrayBuffer, view.byteOffset, view.byteLength);
}
