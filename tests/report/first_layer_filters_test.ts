import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  filterTiles,
  firstLayerFilters,
  renderFiltersSvg,
} from "../../lib/report/first_layer_filters.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { UsageError } from "../../lib/errors.ts";
import { svgToPng } from "../../lib/image/svg_to_png.ts";
import { useCpu } from "../_synthetic.ts";
import { inkedPixels } from "./_fixtures.ts";

await useCpu();

Deno.test("firstLayerFilters() reads the 32 3×3 kernels of the first conv layer", async () => {
  const model = buildModel("cnn-basic", { seed: 5 });
  const view = await firstLayerFilters(model);
  assert.equal(view.kind, "conv");
  assert.equal(view.filters.length, 32);
  assert.equal(view.height, 3);
  assert.equal(view.width, 3);
  const kernel = await model.layers[0]!.getWeights()[0]!.array() as number[][][][];
  // Filter 7's weight at row 2, column 1 is kernel[2][1][0][7].
  assert.ok(Math.abs(view.filters[7]![2 * 3 + 1]! - kernel[2]![1]![0]![7]!) < 1e-7);
  model.dispose();
});

Deno.test("firstLayerFilters() shows the MLP's first dense units as 28×28 images", async () => {
  const model = buildModel("mlp", { seed: 5 });
  const view = await firstLayerFilters(model, 16);
  assert.equal(view.kind, "dense");
  assert.equal(view.filters.length, 16);
  assert.equal(view.filters[0]!.length, 784);
  model.dispose();
});

Deno.test("firstLayerFilters() refuses a model without a conv or dense layer", async () => {
  const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] })] });
  await assert.rejects(() => firstLayerFilters(model), UsageError);
  model.dispose();
});

Deno.test("filterTiles() stretches each filter from black to white", () => {
  const [a, b] = filterTiles({
    layer: "c",
    kind: "conv",
    height: 1,
    width: 3,
    filters: [new Float32Array([-0.5, 0, 0.5]), new Float32Array([2, 2, 2])],
  });
  assert.deepEqual(Array.from(a!.data), [0, 128, 255]);
  assert.deepEqual(Array.from(b!.data), [0, 0, 0], "a flat filter does not divide by zero");
});

Deno.test("renderFiltersSvg() draws every filter into a non-blank PNG", async () => {
  const model = buildModel("cnn-deep", { seed: 1 });
  const svg = await renderFiltersSvg(await firstLayerFilters(model));
  assert.equal(svg.match(/<image /g)?.length, 32);
  assert.match(svg, /32 3×3 kernels/);
  const png = inkedPixels(await svgToPng(svg));
  assert.ok(png.inked > 32 * 48 * 48 * 0.5, `only ${png.inked} inked pixels`);
  model.dispose();
});
