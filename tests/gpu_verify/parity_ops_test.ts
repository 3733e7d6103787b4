import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  convKernels,
  download,
  keepRows,
  randomHost,
  relativeError,
  rowsOf,
  sampleRows,
} from "../../lib/gpu_verify/_parity_ops.ts";
import { useCpu } from "../_synthetic.ts";

Deno.test("sampleRows() takes every row of a small batch, else first, second, middle, last", () => {
  assert.deepEqual(sampleRows(1), [0]);
  assert.deepEqual(sampleRows(4), [0, 1, 2, 3]);
  assert.deepEqual(sampleRows(65), [0, 1, 32, 64]);
  assert.deepEqual(sampleRows(8192), [0, 1, 4096, 8191]);
});

Deno.test("conv kernels on sampled rows equal the whole batch's (the phase 6 reference)", async () => {
  await useCpu();
  const batch = 9;
  const rows = sampleRows(batch);
  const x = randomHost([batch, 6, 6, 4], 1);
  const w = randomHost([3, 3, 4, 8], 2);
  const dy = keepRows(randomHost([batch, 4, 4, 8], 3), rows);
  const whole = await download(convKernels(x, w, dy, "valid"));
  const sub = await download(convKernels(rowsOf(x, rows), w, rowsOf(dy, rows), "valid"));
  assert.equal(relativeError(rowsOf(whole[0]!, rows), sub[0]!), 0); // forward
  assert.equal(relativeError(rowsOf(whole[1]!, rows), sub[1]!), 0); // input gradient
  assert.ok(relativeError(whole[2]!, sub[2]!) < 1e-6); // filter gradient: same sum
  // The check is sharp: dropping a sampled row's dy changes the filter gradient.
  const fewer = await download(convKernels(x, w, keepRows(dy, rows.slice(1)), "valid"));
  assert.ok(relativeError(fewer[2]!, sub[2]!) > 1e-3);
  assert.equal(tf.getBackend(), "cpu");
});
