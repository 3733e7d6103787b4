/**
 * What the engine check sends a browser and gets back, as bytes: the check's inputs (images,
 * labels, parameters, optimizer slots) and one step's outputs (loss sum, correct count,
 * β powers, gradient, parameters, slots). Shared by the page and the Deno side.
 *
 * @module
 */
import type { Architecture } from "../../../models/architecture.ts";
import type { OptimizerSpec } from "../../plan.ts";
import type { Tuning } from "../../webgpu/_tiles.ts";

/** One step the page runs. */
export interface BrowserJob {
  id: number;
  arch: Architecture;
  batchSize: number;
  tuning: Tuning;
  seed: number;
  optimizer: OptimizerSpec;
  accBeta: [number, number];
  paramCount: number;
  slots: number;
}

/** A step's outputs as the page read them back. */
export interface WireStep {
  lossSum: number;
  correct: number;
  accBeta: [number, number];
  grads: Float32Array;
  params: Float32Array;
  slots: Float32Array[];
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** Packs images, labels, parameters and slots. */
export function encodeInputs(
  images: Uint8Array,
  labels: Uint8Array,
  params: Float32Array,
  slots: Float32Array[],
): Uint8Array<ArrayBuffer> {
  const head = pad4(images.length + labels.length);
  const out = new Uint8Array(head + 4 * params.length * (1 + slots.length));
  out.set(images, 0);
  out.set(labels, images.length);
  [params, ...slots].forEach((a, k) =>
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), head + 4 * params.length * k)
  );
  return out;
}

/** Unpacks what {@linkcode encodeInputs} packed. */
export function decodeInputs(bytes: ArrayBuffer, job: BrowserJob) {
  const n = job.batchSize;
  const head = pad4(n * 785);
  const floats = (k: number) =>
    new Float32Array(
      bytes.slice(head + 4 * job.paramCount * k, head + 4 * job.paramCount * (k + 1)),
    );
  return {
    images: new Uint8Array(bytes, 0, n * 784),
    labels: new Uint8Array(bytes, n * 784, n),
    params: floats(0),
    slots: Array.from({ length: job.slots }, (_, k) => floats(k + 1)),
  };
}

/** Packs a step's outputs. */
export function encodeStep(step: WireStep): Uint8Array<ArrayBuffer> {
  const arrays = [step.grads, step.params, ...step.slots];
  const out = new Uint8Array(32 + arrays.reduce((n, a) => n + a.byteLength, 0));
  new Float64Array(out.buffer, 0, 4).set([step.lossSum, step.correct, ...step.accBeta]);
  let at = 32;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
  return out;
}

/** Unpacks what {@linkcode encodeStep} packed; throws on a length that does not fit the job. */
export function decodeStep(bytes: ArrayBuffer, job: BrowserJob): WireStep {
  const p = job.paramCount;
  if (bytes.byteLength !== 32 + 4 * p * (2 + job.slots)) {
    throw new RangeError(`the browser sent ${bytes.byteLength} bytes for job ${job.id}`);
  }
  const [lossSum, correct, a1, a2] = new Float64Array(bytes, 0, 4);
  const floats = (k: number) => new Float32Array(bytes, 32 + 4 * p * k, p);
  return {
    lossSum: lossSum!,
    correct: correct!,
    accBeta: [a1!, a2!],
    grads: floats(0),
    params: floats(1),
    slots: Array.from({ length: job.slots }, (_, k) => floats(k + 2)),
  };
}
