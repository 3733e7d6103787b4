import assert from "node:assert/strict";
import { createProgressReporter, epochLine, progressLine } from "../../lib/cli/progress.ts";

const progress = {
  epoch: 1,
  epochs: 5,
  step: 300,
  steps: 938,
  loss: 0.23456,
  acc: 0.93125,
  seconds: 6,
  imagesPerSecond: 3200,
};

Deno.test("progressLine() shows step/total, a bar, ETA, loss, accuracy and images/s", () => {
  const line = progressLine(progress);
  assert.match(
    line,
    /^300\/938 \[=+>\.+\] - ETA: 13s - loss: 0\.2346 - acc: 0\.9313 - 3,200 img\/s$/,
  );
});

Deno.test("epochLine() is Keras' epoch summary with validation metrics when present", () => {
  const log = {
    epoch: 1,
    loss: 0.1,
    acc: 0.97,
    valLoss: 0.05,
    valAcc: 0.985,
    seconds: 14.2,
    imagesPerSecond: 4225,
  };
  assert.equal(
    epochLine(log, 938),
    "938/938 [==============================] - 14s 15ms/step - loss: 0.1000 - acc: 0.9700" +
      " - val_loss: 0.0500 - val_acc: 0.9850 - 4,225 img/s",
  );
});

Deno.test("createProgressReporter() redraws live lines only on a terminal", () => {
  for (const live of [true, false]) {
    let text = "";
    const reporter = createProgressReporter({ live, write: (t) => (text += t) });
    reporter.onProgress(progress);
    reporter.onEpoch({ epoch: 1, loss: 0.1, acc: 0.97, seconds: 14, imagesPerSecond: 4000 });
    assert.ok(text.startsWith("Epoch 1/5\n"));
    assert.equal(text.includes("ETA"), live);
    assert.ok(text.trimEnd().endsWith("4,000 img/s"));
  }
});
