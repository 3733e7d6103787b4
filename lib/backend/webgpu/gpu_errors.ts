/**
 * Turns WebGPU errors into exceptions. WebGPU reports a failed call (a binding larger than
 * `maxStorageBufferBindingSize`, an allocation the device cannot make) as an event, not an
 * exception: the work is skipped and its outputs stay as they were (zeros), so a training
 * run goes on and saves a model of garbage (llvmpipe, full MNIST as float32: 188 MB against
 * a 128 MiB limit, 11.31 % test accuracy, exit 0). Two nets catch them:
 *
 * - a per-device `uncapturederror` listener that records the first error, checked after
 *   every readback of the guarded backend (a readback already costs ≥ 10 ms, so the check
 *   is free) and by {@linkcode throwIfWebGpuError};
 * - error scopes (`validation` and `out-of-memory`) that a caller opens around a stretch of
 *   work with {@linkcode openErrorScopes} (the training loop: one per progress report).
 *
 * @module
 */
import { GpuError } from "../../errors.ts";
import { asWebGpuBackend, type WebGpuBackendInternals } from "./_backend_internals.ts";

const recorded = new WeakMap<GPUDevice, string[]>();
const guarded = new WeakSet<object>();

function describe(error: GPUError): string {
  const kind = error instanceof GPUOutOfMemoryError
    ? "out-of-memory"
    : error instanceof GPUValidationError
    ? "validation"
    : "internal";
  return `WebGPU ${kind} error: ${error.message.trim()}`;
}

/**
 * Starts recording the errors of a device (idempotent): `uncapturederror` events and the
 * device being lost.
 *
 * @param device The device to watch.
 */
export function watchDevice(device: GPUDevice): void {
  if (recorded.has(device)) return;
  const errors: string[] = [];
  recorded.set(device, errors);
  device.addEventListener("uncapturederror", (event) => {
    errors.push(describe((event as GPUUncapturedErrorEvent).error));
  });
  device.lost.then((info) => errors.push(`WebGPU device lost (${info.reason}): ${info.message}`));
}

/**
 * Returns and clears the errors recorded on a device since the last call.
 *
 * @param device A device passed to {@linkcode watchDevice} (others have none).
 * @returns The messages, oldest first.
 */
export function takeWebGpuErrors(device: GPUDevice): string[] {
  const errors = recorded.get(device);
  return errors ? errors.splice(0) : [];
}

function fail(messages: string[], where: string): never {
  const more = messages.length > 1 ? ` (and ${messages.length - 1} more)` : "";
  throw new GpuError(`${messages[0]} (during ${where})${more}`);
}

/**
 * Throws when the device of a webgpu backend recorded an error.
 *
 * @param backend The tfjs webgpu backend (`tf.backend()`).
 * @param where What was running, for the message (e.g. "training epoch 1").
 * @throws {GpuError} carrying WebGPU's message.
 */
export function throwIfWebGpuError(backend: unknown, where = "WebGPU work"): void {
  const messages = takeWebGpuErrors(asWebGpuBackend(backend).device);
  if (messages.length > 0) fail(messages, where);
}

/**
 * Guards a tfjs webgpu backend (idempotent, cheap to call again): watches its device and
 * wraps its `read` so that every `data()` throws {@linkcode GpuError} once an error has been
 * recorded.
 *
 * @param backend The tfjs webgpu backend (`tf.backend()` while `webgpu` is active).
 *
 * @example
 * ```ts ignore
 * await tf.setBackend("webgpu");
 * guardWebGpuBackend(tf.backend());
 * await model.predict(x).data(); // throws GpuError if any WebGPU call failed
 * ```
 */
export function guardWebGpuBackend(backend: unknown): void {
  if (guarded.has(backend as object)) return;
  const gpu: WebGpuBackendInternals = asWebGpuBackend(backend);
  guarded.add(gpu);
  watchDevice(gpu.device);
  const read = gpu.read.bind(gpu);
  gpu.read = async (dataId: object) => {
    const values = await read(dataId);
    // Deno dispatches `uncapturederror` as a task of its own: let it run first (~1 ms,
    // against the ≥ 10 ms a readback from the GPU costs anyway).
    await new Promise((resolve) => setTimeout(resolve, 0));
    throwIfWebGpuError(gpu, "a readback");
    return values;
  };
}

/** Error scopes opened by {@linkcode openErrorScopes}. */
export interface ErrorScopes {
  /**
   * Pops the scopes (once; later calls do nothing) and throws the first error they caught.
   * @param where What ran inside the scopes, for the message.
   * @throws {GpuError} carrying WebGPU's message.
   */
  close(where: string): Promise<void>;
}

/**
 * Pushes a `validation` and an `out-of-memory` error scope on a device. Errors of the calls
 * made until `close` are caught by these scopes instead of the `uncapturederror` event.
 *
 * @param device The device.
 * @returns The scopes to close (in the order they were opened if several are open).
 *
 * @example
 * ```ts ignore
 * const scopes = openErrorScopes(device);
 * runSomeSteps();
 * await scopes.close("epoch 1"); // throws GpuError on a validation or OOM error
 * ```
 */
export function openErrorScopes(device: GPUDevice): ErrorScopes {
  device.pushErrorScope("validation");
  device.pushErrorScope("out-of-memory");
  let closed = false;
  return {
    async close(where: string): Promise<void> {
      if (closed) return; // popping twice would pop somebody else's scopes
      closed = true;
      const [outOfMemory, validation] = await Promise.all([
        device.popErrorScope(),
        device.popErrorScope(),
      ]);
      const messages = [outOfMemory, validation].filter((e): e is GPUError => e !== null)
        .map(describe);
      if (messages.length > 0) fail(messages, where);
    },
  };
}
