/**
 * Counts what a training step costs the CPU on WebGPU by wrapping one device's methods:
 * dispatches, submits, `writeBuffer` uploads, bind groups, pipelines and `mapAsync`
 * readbacks. Used by the bench (`--counters`) and the GPU verification kit; it wraps the
 * device object only (no global patching besides `GPUBuffer.prototype.mapAsync`, restored
 * by `restore()`).
 *
 * @module
 */

/** Calls counted since the last `reset()`. */
export interface GpuCounts {
  dispatches: number;
  submits: number;
  writeBuffers: number;
  bindGroups: number;
  pipelines: number;
  mapAsyncs: number;
  /**
   * CPU milliseconds from creating a command encoder to the `submit` that sends it:
   * recording, plus tfjs' own JS in between on the tfjs path.
   */
  encodeMs: number;
  /**
   * Milliseconds inside `queue.submit` (wgpu's synchronous work; on llvmpipe this includes
   * executing the work, so it is not CPU overhead there).
   */
  submitMs: number;
}

/** A live counter on one device. */
export interface GpuCounter {
  /** The counts so far (a live object). */
  readonly counts: GpuCounts;
  /** Zeroes the counts (e.g. after warm-up). */
  reset(): void;
  /** Removes the wrappers. */
  restore(): void;
}

function zero(): GpuCounts {
  return {
    dispatches: 0,
    submits: 0,
    writeBuffers: 0,
    bindGroups: 0,
    pipelines: 0,
    mapAsyncs: 0,
    encodeMs: 0,
    submitMs: 0,
  };
}

type Method = (...args: never[]) => unknown;

/** Undo steps, run in reverse by `restore()`. */
type Undo = (() => void)[];

/**
 * Replaces `target[name]` with a wrapper that passes the original's result through `after`,
 * and records how to put the original back (deleting the own property when the method was
 * inherited, so the prototype's shows through again).
 */
function wrapMethod<T extends object>(
  undo: Undo,
  target: T,
  name: keyof T & string,
  after: (result: unknown) => unknown,
): void {
  const original = target[name] as unknown as Method;
  const own = Object.prototype.hasOwnProperty.call(target, name);
  (target as Record<string, unknown>)[name] = function (this: unknown, ...args: never[]) {
    return after(original.apply(this, args));
  };
  undo.push(() => {
    if (own) (target as Record<string, unknown>)[name] = original;
    else delete (target as Record<string, unknown>)[name];
  });
}

/** Counts `dispatchWorkgroups` on every compute pass the encoders of `device` begin. */
function countDispatches(
  undo: Undo,
  device: GPUDevice,
  counts: GpuCounts,
  onEncoder: () => void,
): void {
  const pass = (p: GPUComputePassEncoder) => {
    const dispatch = p.dispatchWorkgroups;
    p.dispatchWorkgroups = (...args: Parameters<typeof dispatch>) => {
      counts.dispatches++;
      return dispatch.apply(p, args);
    };
    return p;
  };
  wrapMethod(undo, device, "createCommandEncoder", (e) => {
    onEncoder();
    const encoder = e as GPUCommandEncoder;
    const begin = encoder.beginComputePass;
    encoder.beginComputePass = (...args: Parameters<typeof begin>) =>
      pass(begin.apply(encoder, args));
    return encoder;
  });
}

/** Counts `mapAsync` readbacks on every buffer (the one prototype patch). */
function countMapAsyncs(undo: Undo, counts: GpuCounts): void {
  const map = GPUBuffer.prototype.mapAsync;
  GPUBuffer.prototype.mapAsync = function (this: GPUBuffer, ...args: Parameters<typeof map>) {
    counts.mapAsyncs++;
    return map.apply(this, args);
  };
  undo.push(() => (GPUBuffer.prototype.mapAsync = map));
}

/**
 * Starts counting calls on `device` (and its queue, encoders and passes).
 *
 * @param device The device the engine or tfjs runs on.
 * @returns The counter; call `restore()` when done.
 * @example
 * ```ts ignore
 * const counter = countGpuCalls(device);
 * runStep();
 * console.log(counter.counts.dispatches);
 * counter.restore();
 * ```
 */
export function countGpuCalls(device: GPUDevice): GpuCounter {
  const counts = zero();
  let openedAt: number | null = null;
  const undo: Undo = [];
  countDispatches(undo, device, counts, () => (openedAt ??= performance.now()));
  wrapMethod(undo, device, "createBindGroup", (r) => (counts.bindGroups++, r));
  wrapMethod(undo, device, "createComputePipeline", (r) => (counts.pipelines++, r));
  wrapMethod(undo, device, "createComputePipelineAsync", (r) => (counts.pipelines++, r));
  const submit = device.queue.submit;
  device.queue.submit = (...args: Parameters<typeof submit>) => {
    const start = performance.now();
    counts.submits++;
    if (openedAt !== null) counts.encodeMs += start - openedAt;
    openedAt = null;
    submit.apply(device.queue, args);
    counts.submitMs += performance.now() - start;
  };
  undo.push(() => delete (device.queue as unknown as Record<string, unknown>).submit);
  wrapMethod(undo, device.queue, "writeBuffer", (r) => (counts.writeBuffers++, r));
  countMapAsyncs(undo, counts);
  return {
    counts,
    reset: () => Object.assign(counts, zero()),
    restore: () => undo.reverse().forEach((f) => f()),
  };
}
