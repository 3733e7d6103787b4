import assert from "node:assert/strict";
import { notebookProgress } from "../../lib/notebook/progress.ts";
import type { DisplayOptions } from "../../lib/notebook/show.ts";
import type { MediaBundle } from "../../lib/report/_jupyter.ts";

const step = (epoch: number, s: number) => ({
  epoch,
  epochs: 2,
  step: s,
  steps: 10,
  loss: 1 / s,
  acc: s / 10,
  seconds: s,
  imagesPerSecond: 100,
});
const log = (epoch: number) => ({
  epoch,
  loss: 0.3,
  acc: 0.9,
  valLoss: 0.2,
  valAcc: 0.95,
  seconds: 10,
  imagesPerSecond: 100,
});

Deno.test("notebookProgress() keeps one output per epoch, updated in place", async () => {
  const calls: [MediaBundle, DisplayOptions][] = [];
  const progress = notebookProgress((bundle, options) => {
    calls.push([bundle as MediaBundle, options!]);
    return Promise.resolve();
  });
  progress.onProgress(step(1, 5));
  progress.onProgress(step(1, 10));
  progress.onEpoch(log(1));
  progress.onProgress(step(2, 5));
  progress.onEpoch(log(2));
  await progress.settled();
  assert.deepEqual(calls.map(([, o]) => o.update), [false, true, true, false, true]);
  const ids = calls.map(([, o]) => o.display_id);
  assert.equal(new Set(ids.slice(0, 3)).size, 1);
  assert.notEqual(ids[3], ids[0]);
  assert.ok(calls.every(([, o]) => o.raw));
  const texts = calls.map(([b]) => b["text/plain"]!);
  assert.match(texts[0]!, /^Epoch 1\/2\n 5\/10 \[=+>\.+\] - ETA: 5\.0s - loss: 0\.2000/);
  assert.match(texts[2]!, /^Epoch 1\/2\n10\/10 \[=+\] - 10s 1000ms\/step .* val_acc: 0\.9500/);
  assert.match(texts[4]!, /^Epoch 2\/2\n/);
});

Deno.test("notebookProgress() keeps going when the display fails", async () => {
  let calls = 0;
  const progress = notebookProgress(() => {
    calls++;
    return Promise.reject(new Error("kernel gone"));
  });
  progress.onProgress(step(1, 5));
  progress.onEpoch(log(1));
  await progress.settled();
  assert.equal(calls, 2);
});
