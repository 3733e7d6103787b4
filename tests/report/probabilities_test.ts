import assert from "node:assert/strict";
import {
  formatProbabilities,
  probabilitiesOf,
  renderProbabilitiesSvg,
} from "../../lib/report/probabilities.ts";
import { svgToPng } from "../../lib/image/svg_to_png.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { fakeEvaluation, inkedPixels } from "./_fixtures.ts";

const split = syntheticSplit(20);
const evaluation = fakeEvaluation(split);

Deno.test("probabilitiesOf() returns one sample's 10 probabilities, label and prediction", () => {
  const view = probabilitiesOf(evaluation, 3);
  assert.equal(view.index, 3);
  assert.equal(view.label, split.labels[3]);
  assert.equal(view.predicted, (split.labels[3]! + 1) % 10);
  assert.equal(view.probabilities.length, 10);
  assert.ok(Math.abs(view.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  assert.throws(() => probabilitiesOf(evaluation, 20), RangeError);
});

Deno.test("formatProbabilities() marks the prediction and a different label", () => {
  const lines = formatProbabilities(probabilitiesOf(evaluation, 3)).split("\n");
  assert.equal(lines.length, 10);
  const predicted = (split.labels[3]! + 1) % 10;
  assert.match(lines[predicted]!, /← predicted$/);
  assert.match(lines[split.labels[3]!]!, /← label$/);
});

Deno.test("renderProbabilitiesSvg() draws the digit and ten bars into a non-blank PNG", async () => {
  const view = probabilitiesOf(evaluation, 3);
  const svg = await renderProbabilitiesSvg(view, split.images.subarray(3 * 784, 4 * 784));
  assert.match(svg, /Test sample #3: predicted/);
  assert.equal(svg.match(/<image /g)?.length, 1);
  const png = inkedPixels(await svgToPng(svg));
  assert.ok(png.inked > 140 * 140, `only ${png.inked} inked pixels`);
  const own = await renderProbabilitiesSvg(
    { ...view, index: undefined, label: undefined },
    new Uint8Array(784),
  );
  assert.match(own, /Your digit: predicted/);
});
