/**
 * The in-place update machinery shared by the fused optimizers: makes sure a tensor owns
 * its buffer before it is rewritten, and dispatches one WGSL update over a set of tensors.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { asWebGpuBackend } from "./_backend_internals.ts";
import { dispatchFlat, FLAT_MAIN, pipelineFor } from "./_raw_dispatch.ts";
import { guardWebGpuBackend } from "./gpu_errors.ts";

/** A WGSL `f32` expression equal to `Math.fround(x)` bit for bit. */
export function f32(x: number): string {
  const bits = new Uint32Array(new Float32Array([x]).buffer)[0]!;
  return `bitcast<f32>(${bits}u)`;
}

/**
 * Gives a variable a buffer of its own when another tensor shares it (tfjs shares buffers
 * after `assign(t)`, `clone()` or `setWeights`), so an in-place write cannot change them.
 */
export function ensureOwnBuffer(v: tf.Variable): void {
  const backend = asWebGpuBackend(tf.backend());
  if (backend.refCount(v.dataId) <= 1) return;
  const copy = tf.tidy(() => tf.mul(v, tf.scalar(1, v.dtype)));
  v.assign(copy);
  copy.dispose();
}

/** Tensors of one fused update: rewritten in place, then read-only ones, in binding order. */
export interface FusedUpdate {
  written: tf.Variable[];
  read: tf.Tensor[];
}

/**
 * Runs `body` (WGSL statements using index `i`) once per element over the update's
 * tensors, bound as `array<T>` named by `names` (written first, then read), where T is
 * `vec4<f32>` when `vec4` is set. Tensors named in `scalars` are bound as `array<f32>`.
 * `name` is the kernel name `tf.profile` lists the dispatch under.
 */
export function runFusedUpdate(
  update: FusedUpdate,
  names: string[],
  body: string,
  options: { elements: number; vec4: boolean; scalars?: string[]; name?: string },
): void {
  const backend = asWebGpuBackend(tf.backend());
  // In-place writes need the read guard (a data() in flight across them must not cache).
  guardWebGpuBackend(backend);
  for (const v of update.written) ensureOwnBuffer(v);
  const tensors: tf.Tensor[] = [...update.written, ...update.read];
  const type = options.vec4 ? "vec4<f32>" : "f32";
  const decls = names.map((name, i) => {
    const access = i < update.written.length ? "read_write" : "read";
    const t = options.scalars?.includes(name) ? "f32" : type;
    return `@group(0) @binding(${i}) var<storage, ${access}> ${name}: array<${t}>;`;
  });
  const threads = options.vec4 ? options.elements / 4 : options.elements;
  // The bound comes from the binding size, so one pipeline serves every variable shape.
  const code = `${decls.join("\n")}
${FLAT_MAIN}
  if (i >= arrayLength(&${names[0]})) { return; }
  ${body}
}`;
  const bindings = tensors.map((t, i) => ({
    dataId: t.dataId,
    bytes: t.size * 4,
    written: i < update.written.length,
  }));
  dispatchFlat(backend, pipelineFor(backend.device, code), bindings, threads, options.name);
}
