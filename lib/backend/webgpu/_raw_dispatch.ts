/**
 * Records a compute dispatch of our own pipeline into the webgpu backend's current compute
 * pass, binding tensors' buffers directly. tfjs programs have a single output, but a fused
 * optimizer update writes three tensors in place (variable and two accumulators), so it
 * binds several read-write buffers, which `runWebGPUProgram` cannot do.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  gpuBufferOf,
  invalidateCpuCopy,
  type WebGpuBackendInternals,
} from "./_backend_internals.ts";

/** One binding: a tensor's buffer, read-only or rewritten in place. */
export interface RawBinding {
  dataId: object;
  /** Bytes to bind (the tensor's size; tfjs may hand out larger buffers). */
  bytes: number;
  /** True when the shader writes the buffer. */
  written: boolean;
}

const WORKGROUP = 64;
const MAX_GROUPS_PER_DIMENSION = 65_535;
/** The label of every pipeline made by {@linkcode pipelineFor} (tells them from tfjs' own). */
export const RAW_PIPELINE_LABEL = "mnist-cnn raw dispatch";
const pipelines = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();
// getBindGroupLayout makes a new layout object on every call (an op call into wgpu each time).
const layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();

/** The pipeline's bind group 0 layout, asked of WebGPU once per pipeline. */
export function layoutOf(pipeline: GPUComputePipeline): GPUBindGroupLayout {
  let layout = layouts.get(pipeline);
  if (!layout) layouts.set(pipeline, layout = pipeline.getBindGroupLayout(0));
  return layout;
}

/** Compiles (once per device and source) a WGSL module whose entry point is `main`. */
export function pipelineFor(device: GPUDevice, code: string): GPUComputePipeline {
  let cache = pipelines.get(device);
  if (!cache) pipelines.set(device, cache = new Map());
  let pipeline = cache.get(code);
  if (!pipeline) {
    const module = device.createShaderModule({ code, label: "mnist-cnn fused" });
    pipeline = device.createComputePipeline({
      label: RAW_PIPELINE_LABEL,
      layout: "auto",
      compute: { module, entryPoint: "main" },
    });
    cache.set(code, pipeline);
  }
  return pipeline;
}

/**
 * The WGSL header line for a flat kernel of `WORKGROUP` threads: declares `main` with the
 * global thread index `i` (u32), which spans a 2-D dispatch for very large tensors.
 */
export const FLAT_MAIN = `@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>,
        @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;`;

interface TimedBackend {
  activeTimers: { name: string; query: Promise<number> }[] | null;
  supportTimestampQuery: boolean;
  querySet: GPUQuerySet | null;
  querySetCount: number;
  getQueryTime(): Promise<number>;
  time(f: () => void): Promise<{ kernelMs: number }>;
}

interface EngineProfileState {
  profiling: boolean;
  numBytes: number;
  numTensors: number;
  activeProfile: { kernels: unknown[] };
}

/**
 * Dispatches `threads` threads of a {@linkcode FLAT_MAIN} pipeline over the given
 * bindings (binding i = bindings[i]), in order with every tfjs kernel before and after it.
 * Inside `tf.profile` the dispatch is recorded as a kernel called `name` and timed as tfjs
 * times its own programs (a timestamp query, where the device has them).
 */
export function dispatchFlat(
  backend: WebGpuBackendInternals,
  pipeline: GPUComputePipeline,
  bindings: RawBinding[],
  threads: number,
  name = "RawDispatch",
): void {
  const state = (tf.engine() as unknown as { state: EngineProfileState }).state;
  if (!state.profiling) return record(backend, pipeline, bindings, threads, false);
  const timed = backend as unknown as TimedBackend;
  const timing = timed.time(() => record(backend, pipeline, bindings, threads, true, name));
  state.activeProfile.kernels.push({
    name,
    bytesAdded: 0,
    totalBytesSnapshot: state.numBytes,
    tensorsAdded: 0,
    totalTensorsSnapshot: state.numTensors,
    inputShapes: bindings.map((b) => [b.bytes / 4]),
    outputShapes: [],
    kernelTimeMs: timing.then((t) => t.kernelMs),
    extraInfo: "",
  });
}

function record(
  backend: WebGpuBackendInternals,
  pipeline: GPUComputePipeline,
  bindings: RawBinding[],
  threads: number,
  timed: boolean,
  name = "",
): void {
  const entries = bindings.map((b, binding) => ({
    binding,
    resource: { buffer: gpuBufferOf(backend, b.dataId), size: b.bytes },
  }));
  const bindGroup = backend.device.createBindGroup({ layout: layoutOf(pipeline), entries });
  // Buffers the queued commands use must not go back to tfjs' pool before the submit.
  for (const b of bindings) {
    backend.commandQueueOwnedIds.add(b.dataId);
    if (b.written) invalidateCpuCopy(backend, b.dataId);
  }
  const groups = Math.max(1, Math.ceil(threads / WORKGROUP));
  const x = Math.min(groups, MAX_GROUPS_PER_DIMENSION);
  backend.ensureCommandEncoderReady();
  const clock = backend as unknown as TimedBackend;
  if (timed && clock.supportTimestampQuery) {
    // A pass of its own with timestamps, as tfjs does for its programs when profiling.
    backend.endComputePassEncoder();
    clock.querySet ??= backend.device.createQuerySet({
      type: "timestamp",
      count: clock.querySetCount,
    });
    backend.computePassEncoder = backend.commandEncoder!.beginComputePass({
      timestampWrites: {
        querySet: clock.querySet,
        beginningOfPassWriteIndex: 0,
        endOfPassWriteIndex: 1,
      },
    });
  } else if (!backend.computePassEncoder) {
    backend.computePassEncoder = backend.commandEncoder!.beginComputePass();
  }
  const pass = backend.computePassEncoder!;
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, Math.ceil(groups / x));
  backend.dispatchCountInPass++;
  if (timed && clock.activeTimers) {
    backend.endComputePassEncoder();
    clock.activeTimers.push({ name, query: clock.getQueryTime() });
    return;
  }
  // Same batching rule as tfjs: submit every WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE dispatches.
  if (backend.dispatchCountInPass >= tf.env().getNumber("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE")) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}
