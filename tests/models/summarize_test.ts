import assert from "node:assert/strict";
import { buildModel } from "../../lib/models/build_model.ts";
import { renderSummary, summarize } from "../../lib/models/summarize.ts";
import { useCpu } from "../_synthetic.ts";

await useCpu();

Deno.test("summarize() lists every layer with its output shape and parameters", () => {
  const summary = summarize(buildModel("cnn-deep"));
  assert.equal(summary.rows.length, 8);
  assert.deepEqual(summary.rows[0], {
    name: summary.rows[0]!.name,
    type: "Conv2D",
    outputShape: "(None, 26, 26, 32)",
    params: 320,
  });
  assert.equal(summary.rows.reduce((s, r) => s + r.params, 0), 93_322);
  assert.equal(summary.trainableParams, 93_322);
});

Deno.test("renderSummary() ends with Keras' total line", () => {
  const text = renderSummary(summarize(buildModel("cnn-deep")));
  assert.match(text, /^Total params: 93,322$/m);
  assert.match(text, /\(None, 5, 5, 64\)/);
  assert.match(text, /^Non-trainable params: 0$/m);
});
