/**
 * Counts what a stretch of WebGPU work costs the CPU, by wrapping the device, queue,
 * compute-pass and buffer methods tfjs and the kernel pack call: dispatches, submits,
 * `writeBuffer` calls and bytes, bind groups, pipelines, buffers created and `mapAsync`
 * readbacks. The counts are the same on llvmpipe as on a GPU, so any machine can measure
 * them.
 *
 * @module
 */

/** Calls counted since the counter started (or was reset). */
export interface GpuCallCounts {
  dispatches: number;
  submits: number;
  writeBuffers: number;
  writeBufferBytes: number;
  bindGroups: number;
  pipelines: number;
  buffersCreated: number;
  mapAsyncs: number;
  /** `performance.now()` of the first `mapAsync` since the reset (the first readback). */
  firstMapAsyncAt: number | undefined;
}

/** A running counter. */
export interface GpuCallCounter {
  /** The counts so far. */
  read(): GpuCallCounts;
  /** Zeroes the counts. */
  reset(): void;
  /** Restores the wrapped methods. */
  stop(): void;
}

function zero(): GpuCallCounts {
  return {
    dispatches: 0,
    submits: 0,
    writeBuffers: 0,
    writeBufferBytes: 0,
    bindGroups: 0,
    pipelines: 0,
    buffersCreated: 0,
    mapAsyncs: 0,
    firstMapAsyncAt: undefined,
  };
}

type Method = (...args: never[]) => unknown;

/**
 * Starts counting the WebGPU calls made on `device` (dispatches and readbacks are counted
 * for every device, as they are wrapped on their prototypes).
 *
 * @param device The device to watch (the webgpu backend's).
 * @returns The counter; call `stop()` when done.
 *
 * @example
 * ```ts ignore
 * const counter = countGpuCalls(device);
 * await fitEpoch({ ... });
 * console.log(counter.read().dispatches);
 * counter.stop();
 * ```
 */
export function countGpuCalls(device: GPUDevice): GpuCallCounter {
  let counts = zero();
  const restores: (() => void)[] = [];
  function wrap<T extends object>(target: T, name: keyof T, count: (args: unknown[]) => void) {
    const original = target[name] as Method;
    const had = Object.prototype.hasOwnProperty.call(target, name);
    target[name] = function (this: unknown, ...args: unknown[]) {
      count(args);
      return original.apply(this, args as never[]);
    } as T[keyof T];
    restores.push(() => {
      if (had) target[name] = original as T[keyof T];
      else delete target[name];
    });
  }
  wrap(device, "createBindGroup", () => counts.bindGroups++);
  wrap(device, "createComputePipeline", () => counts.pipelines++);
  wrap(device, "createComputePipelineAsync", () => counts.pipelines++);
  wrap(device, "createBuffer", () => counts.buffersCreated++);
  wrap(device.queue, "submit", () => counts.submits++);
  wrap(device.queue, "writeBuffer", (args) => {
    counts.writeBuffers++;
    const data = args[2] as ArrayBufferView | ArrayBuffer;
    const size = args[4] as number | undefined;
    counts.writeBufferBytes += size ?? data.byteLength;
  });
  wrap(GPUComputePassEncoder.prototype, "dispatchWorkgroups", () => counts.dispatches++);
  wrap(GPUBuffer.prototype, "mapAsync", () => {
    counts.mapAsyncs++;
    counts.firstMapAsyncAt ??= performance.now();
  });
  return {
    read: () => ({ ...counts }),
    reset: () => void (counts = zero()),
    stop: () => restores.reverse().forEach((restore) => restore()),
  };
}
