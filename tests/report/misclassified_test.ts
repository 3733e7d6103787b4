import assert from "node:assert/strict";
import {
  misclassified,
  renderMisclassifiedSvg,
  wrongCountText,
} from "../../lib/report/misclassified.ts";
import { svgToPng } from "../../lib/image/svg_to_png.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { fakeEvaluation, inkedPixels } from "./_fixtures.ts";

const split = syntheticSplit(50);
const evaluation = fakeEvaluation(split);

Deno.test("misclassified() lists exactly the indices where argmax ≠ label", () => {
  const view = misclassified(evaluation);
  const expected = [];
  for (let i = 0; i < evaluation.count; i++) {
    let argmax = 0;
    for (let c = 1; c < 10; c++) {
      if (evaluation.probabilities[i * 10 + c]! > evaluation.probabilities[i * 10 + argmax]!) {
        argmax = c;
      }
    }
    if (argmax !== evaluation.labels[i]) expected.push(i);
  }
  assert.deepEqual(view.items.map((item) => item.index), expected);
  assert.equal(view.items.length, evaluation.wrong);
  assert.equal(view.total, 50);
  const first = view.items[0]!;
  assert.equal(first.label, split.labels[first.index]);
  assert.equal(first.predicted, (first.label + 1) % 10);
  assert.ok(
    Math.abs(first.confidence - evaluation.probabilities[first.index * 10 + first.predicted]!) <
      1e-7,
  );
});

Deno.test("misclassified() sorts the most confident mistakes first on request", () => {
  const items = misclassified(evaluation, { sort: "confidence" }).items;
  for (let i = 1; i < items.length; i++) {
    assert.ok(items[i - 1]!.confidence >= items[i]!.confidence);
  }
  assert.equal(items[0]!.index, Math.max(...misclassified(evaluation).items.map((x) => x.index)));
});

Deno.test("wrongCountText() writes the seeds' '112 of 10,000'", () => {
  assert.equal(wrongCountText({ total: 10_000, items: new Array(112) }), "112 of 10,000");
});

Deno.test("renderMisclassifiedSvg() draws blue true labels and red predictions into a non-blank PNG", async () => {
  const view = misclassified(evaluation);
  const svg = await renderMisclassifiedSvg(view, split, { columns: 4, scale: 1 });
  assert.match(svg, /7 of 50 wrong/);
  assert.match(svg, /fill="#1f4fd1"/);
  assert.match(svg, /fill="#d62728"/);
  assert.equal(svg.match(/<image /g)?.length, 7);
  const png = inkedPixels(await svgToPng(svg));
  assert.ok(png.width >= 4 * 28 && png.height >= 2 * 28, `${png.width}×${png.height}`);
  assert.ok(png.inked > 7 * 28 * 28 * 0.9, `only ${png.inked} inked pixels`);
});

Deno.test("renderMisclassifiedSvg() draws an empty grid when nothing is wrong", async () => {
  const svg = await renderMisclassifiedSvg({ total: 50, items: [] }, split);
  assert.match(svg, /0 of 50 wrong/);
  assert.doesNotMatch(svg, /<image /);
});
