import assert from "node:assert/strict";
import { jupyterBundle, withJupyterDisplay } from "../../lib/report/_jupyter.ts";
import { sampleGrid } from "../../lib/report/sample_grid.ts";
import { misclassified } from "../../lib/report/misclassified.ts";
import { confusionMatrix } from "../../lib/report/confusion_matrix.ts";
import { trainingHistory } from "../../lib/report/training_history.ts";
import { firstLayerFilters } from "../../lib/report/first_layer_filters.ts";
import { probabilitiesOf } from "../../lib/report/probabilities.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";
import { fakeEvaluation } from "./_fixtures.ts";

await useCpu();
const split = syntheticSplit(50);
const evaluation = fakeEvaluation(split);

/** The bundle's SVG, checked to be a whole SVG document. */
async function svgOf(view: object): Promise<string> {
  const bundle = await jupyterBundle(view);
  assert.ok(bundle, "no Jupyter display method");
  const svg = bundle["image/svg+xml"];
  assert.ok(svg !== undefined, `no SVG, only ${Object.keys(bundle)}`);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\s*$/);
  assert.ok(bundle["text/plain"], "no text for text-only frontends");
  return svg;
}

Deno.test("the display method stays out of JSON, spreads and deepEqual", () => {
  const view = withJupyterDisplay({ a: 1 }, () => ({ "text/plain": "a" }));
  assert.equal(JSON.stringify(view), '{"a":1}');
  assert.deepEqual({ ...view }, { a: 1 });
  assert.deepEqual(Object.getOwnPropertySymbols({ ...view }), []);
  assert.equal(typeof (view as Record<symbol, unknown>)[Symbol.for("Jupyter.display")], "function");
});

Deno.test("jupyterBundle() is undefined for values without a display method", async () => {
  assert.equal(await jupyterBundle({ a: 1 }), undefined);
  assert.equal(await jupyterBundle("text"), undefined);
  assert.equal(await jupyterBundle(null), undefined);
});

Deno.test("sampleGrid() shows its digits with their labels", async () => {
  const grid = sampleGrid(split, { from: 10, to: 14 });
  const svg = await svgOf(grid);
  assert.equal(svg.match(/<image /g)?.length, 5);
  assert.match(svg, /Labels of samples 10–14/);
  assert.match((await jupyterBundle(grid))!["text/plain"]!, /^samples 10–14\n/);
});

Deno.test("misclassified() shows its grid when given the split, text otherwise", async () => {
  const withSplit = misclassified(evaluation, { split, limit: 3 });
  const svg = await svgOf(withSplit);
  assert.equal(svg.match(/<image /g)?.length, 3);
  assert.match(svg, /7 of 50 wrong, first 3 shown/);
  const textOnly = await jupyterBundle(misclassified(evaluation));
  assert.deepEqual(Object.keys(textOnly!), ["text/plain"]);
  const lines = textOnly!["text/plain"]!.split("\n");
  assert.equal(lines[0], "7 of 50 wrong");
  assert.match(lines[1]!, /^#3: true 3 → predicted 4 \(\d+%\)$/);
  assert.equal(lines.length, 8);
});

Deno.test("confusionMatrix() shows the heatmap and the text table", async () => {
  const cm = confusionMatrix(evaluation);
  assert.match(await svgOf(cm), /43 of 50 correct/);
  assert.match((await jupyterBundle(cm))!["text/plain"]!, /^true\\pred/);
});

Deno.test("trainingHistory() shows the curves of every run", async () => {
  const log = { epoch: 1, loss: 0.5, acc: 0.8, valLoss: 0.4, valAcc: 0.85, seconds: 1 };
  const points = trainingHistory([
    { run: "mlp", history: [{ ...log, imagesPerSecond: 10 }] },
    { run: "cnn-deep", history: [{ ...log, imagesPerSecond: 5 }] },
  ]);
  assert.equal(points.length, 8);
  assert.match(await svgOf(points), /Training history: mlp, cnn-deep/);
  assert.match(
    (await jupyterBundle(points))!["text/plain"]!,
    /^mlp\nepoch.*\n\s+1 .*\n\ncnn-deep\n/,
  );
});

Deno.test("firstLayerFilters() shows the kernels", async () => {
  const view = await firstLayerFilters(buildModel("cnn-deep", { seed: 1 }));
  const svg = await svgOf(view);
  assert.equal(svg.match(/<image /g)?.length, 32);
  assert.match((await jupyterBundle(view))!["text/plain"]!, /32 conv filters of 3×3$/);
});

Deno.test("probabilitiesOf() shows digit and bars when given the split, text bars otherwise", async () => {
  const view = probabilitiesOf(evaluation, 3, split);
  assert.match(await svgOf(view), /Test sample #3: predicted 4/);
  const textOnly = await jupyterBundle(probabilitiesOf(evaluation, 3));
  assert.deepEqual(Object.keys(textOnly!), ["text/plain"]);
  assert.equal(textOnly!["text/plain"]!.split("\n").length, 10);
});
