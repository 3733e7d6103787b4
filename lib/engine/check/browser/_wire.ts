/**
 * What the engine check sends a browser and gets back, as bytes: the check's inputs (images,
 * labels, parameters, optimizer slots, batchNorm's moving statistics) and one step's outputs
 * (loss sum, correct count, β powers, gradient, parameters, slots, moving statistics). Shared by
 * the page and the Deno side; each decoder throws on a length that does not fit the job.
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
  /** Floats of batchNorm moving statistics (`plan.stateCount`; 0 without a batchNorm). */
  stateCount: number;
}

/** What the page needs besides the job: the batch and the state the step starts from. */
export interface WireInputs {
  images: Uint8Array;
  labels: Uint8Array;
  params: Float32Array<ArrayBuffer>;
  slots: Float32Array<ArrayBuffer>[];
  state: Float32Array<ArrayBuffer>;
}

/** A step's outputs as the page read them back. */
export interface WireStep {
  lossSum: number;
  correct: number;
  accBeta: [number, number];
  grads: Float32Array;
  params: Float32Array;
  slots: Float32Array[];
  state: Float32Array;
}

const pad4 = (n: number) => Math.ceil(n / 4) * 4;

/** Copies `arrays` one after another into `out` from byte `at`. */
function packFloats(out: Uint8Array, at: number, arrays: Float32Array[]): void {
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    at += a.byteLength;
  }
}

function checkLength(bytes: ArrayBuffer, expected: number, what: string, job: BrowserJob): void {
  if (bytes.byteLength !== expected) {
    throw new RangeError(
      `the ${what} of browser job ${job.id} are ${bytes.byteLength} bytes, not ${expected}`,
    );
  }
}

/** Packs images, labels, parameters, slots and moving statistics. */
export function encodeInputs(inputs: WireInputs): Uint8Array<ArrayBuffer> {
  const { images, labels, params, slots, state } = inputs;
  const head = pad4(images.length + labels.length);
  const out = new Uint8Array(head + 4 * params.length * (1 + slots.length) + state.byteLength);
  out.set(images, 0);
  out.set(labels, images.length);
  packFloats(out, head, [params, ...slots, state]);
  return out;
}

/** Unpacks what {@linkcode encodeInputs} packed; throws on a length that does not fit the job. */
export function decodeInputs(bytes: ArrayBuffer, job: BrowserJob): WireInputs {
  const n = job.batchSize;
  const p = job.paramCount;
  const head = pad4(n * 785);
  checkLength(bytes, head + 4 * p * (1 + job.slots) + 4 * job.stateCount, "inputs", job);
  const floats = (k: number) =>
    new Float32Array(bytes.slice(head + 4 * p * k, head + 4 * p * (k + 1)));
  const stateAt = head + 4 * p * (1 + job.slots);
  return {
    images: new Uint8Array(bytes, 0, n * 784),
    labels: new Uint8Array(bytes, n * 784, n),
    params: floats(0),
    slots: Array.from({ length: job.slots }, (_, k) => floats(k + 1)),
    state: new Float32Array(bytes.slice(stateAt, stateAt + 4 * job.stateCount)),
  };
}

/** Packs a step's outputs. */
export function encodeStep(step: WireStep): Uint8Array<ArrayBuffer> {
  const arrays = [step.grads, step.params, ...step.slots, step.state];
  const out = new Uint8Array(32 + arrays.reduce((n, a) => n + a.byteLength, 0));
  new Float64Array(out.buffer, 0, 4).set([step.lossSum, step.correct, ...step.accBeta]);
  packFloats(out, 32, arrays);
  return out;
}

/** Unpacks what {@linkcode encodeStep} packed; throws on a length that does not fit the job. */
export function decodeStep(bytes: ArrayBuffer, job: BrowserJob): WireStep {
  const p = job.paramCount;
  checkLength(bytes, 32 + 4 * p * (2 + job.slots) + 4 * job.stateCount, "outputs", job);
  const [lossSum, correct, a1, a2] = new Float64Array(bytes, 0, 4);
  const floats = (k: number) => new Float32Array(bytes, 32 + 4 * p * k, p);
  return {
    lossSum: lossSum!,
    correct: correct!,
    accBeta: [a1!, a2!],
    grads: floats(0),
    params: floats(1),
    slots: Array.from({ length: job.slots }, (_, k) => floats(k + 2)),
    state: new Float32Array(bytes, 32 + 4 * p * (2 + job.slots), job.stateCount),
  };
}
