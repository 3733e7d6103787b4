import assert from "node:assert/strict";
import {
  confusionMatrix,
  formatConfusionMatrix,
  renderConfusionMatrixSvg,
} from "../../lib/report/confusion_matrix.ts";
import { svgToPng } from "../../lib/image/svg_to_png.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { fakeEvaluation, inkedPixels } from "./_fixtures.ts";

const evaluation = fakeEvaluation(syntheticSplit(200), 9);

Deno.test("confusionMatrix() sums to the test size and its diagonal equals the correct count", () => {
  const cm = confusionMatrix(evaluation);
  assert.equal(cm.counts.length, 10);
  assert.ok(cm.counts.every((row) => row.length === 10));
  assert.equal(cm.counts.flat().reduce((a, b) => a + b, 0), 200);
  assert.equal(cm.correct, 200 - evaluation.wrong);
  assert.equal(cm.counts.reduce((sum, row, c) => sum + row[c]!, 0), cm.correct);
  assert.equal(cm.total, 200);
  // Mistakes go to label + 1 only.
  for (let t = 0; t < 10; t++) {
    for (let p = 0; p < 10; p++) {
      if (p !== t && p !== (t + 1) % 10) assert.equal(cm.counts[t]![p], 0);
    }
  }
});

Deno.test("confusionMatrix() computes recall per row and precision per column", () => {
  const cm = confusionMatrix({
    ...evaluation,
    count: 4,
    labels: new Uint8Array([0, 0, 1, 1]),
    predictions: new Uint8Array([0, 1, 1, 1]),
  });
  assert.equal(cm.recall[0], 0.5);
  assert.equal(cm.recall[1], 1);
  assert.equal(cm.precision[0], 1);
  assert.ok(Math.abs(cm.precision[1]! - 2 / 3) < 1e-12);
  assert.ok(Number.isNaN(cm.recall[5]!), "absent class has no recall");
});

Deno.test("formatConfusionMatrix() prints a row per class with its recall", () => {
  const text = formatConfusionMatrix(confusionMatrix(evaluation));
  const lines = text.split("\n");
  assert.equal(lines.length, 12);
  assert.match(lines[0]!, /true\\pred\s+0\s+1.*9\s+recall/);
  assert.match(lines[11]!, /^precision/);
});

Deno.test("renderConfusionMatrixSvg() renders counts, recall and precision into a non-blank PNG", async () => {
  const cm = confusionMatrix(evaluation);
  const svg = await renderConfusionMatrixSvg(cm);
  assert.match(svg, />recall</);
  assert.match(svg, />precision</);
  assert.match(svg, new RegExp(`>${cm.counts[0]![0]}<`));
  const png = inkedPixels(await svgToPng(svg));
  assert.ok(png.width > 400 && png.height > 400);
  assert.ok(png.inked > 0.1 * 440 * 440, `only ${png.inked} inked pixels`);
});
