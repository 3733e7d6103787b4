import assert from "node:assert/strict";
import {
  type BrowserJob,
  decodeInputs,
  decodeStep,
  encodeInputs,
  encodeStep,
  type WireStep,
} from "../../../../lib/engine/check/browser/_wire.ts";
import { getArchitecture } from "../../../../lib/models/architectures.ts";

// A batch of 3 (785 image and label bytes each: not a multiple of 4, so the floats need padding),
// 5 parameters, 2 optimizer slots and 4 floats of moving statistics.
const job: BrowserJob = {
  id: 7,
  arch: getArchitecture("mlp"),
  batchSize: 3,
  tuning: "cpu",
  seed: 1,
  optimizer: { kind: "adam", learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 },
  accBeta: [0.9, 0.999],
  paramCount: 5,
  slots: 2,
  stateCount: 4,
};
const floats = (n: number, from: number) =>
  Float32Array.from({ length: n }, (_, i) => from + i / 8);

Deno.test("the wire carries the inputs' moving statistics to the page and checks their length", () => {
  const inputs = {
    images: Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 251),
    labels: Uint8Array.of(4, 0, 9),
    params: floats(5, 1),
    slots: [floats(5, 10), floats(5, 20)],
    state: floats(4, -3),
  };
  const bytes = encodeInputs(inputs).buffer;
  assert.deepEqual(decodeInputs(bytes, job), inputs);
  assert.throws(() => decodeInputs(bytes, { ...job, stateCount: 3 }), /inputs of browser job 7/);
  assert.throws(() => decodeInputs(bytes.slice(4), job), /are 2428 bytes, not 2432/);
});

Deno.test("the wire carries the step's moving statistics back and checks their length", () => {
  const step: WireStep = {
    lossSum: 6.25,
    correct: 2,
    accBeta: [0.81, 0.998001],
    grads: floats(5, 0.5),
    params: floats(5, 2),
    slots: [floats(5, 11), floats(5, 21)],
    state: floats(4, 30),
  };
  const bytes = encodeStep(step).buffer;
  assert.deepEqual(decodeStep(bytes, job), step);
  assert.deepEqual(
    decodeStep(encodeStep({ ...step, state: new Float32Array(0) }).buffer, {
      ...job,
      stateCount: 0,
    }).state,
    new Float32Array(0),
  );
  assert.throws(() => decodeStep(bytes, { ...job, stateCount: 0 }), /outputs of browser job 7/);
});
