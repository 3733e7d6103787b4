import assert from "node:assert/strict";
import { modelSummaryHtml } from "../../lib/report/model_summary_table.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { useCpu } from "../_synthetic.ts";

await useCpu();

Deno.test("modelSummaryHtml() lists each layer's output shape and params with the seed's total", () => {
  const model = buildModel("cnn-deep", { seed: 1 });
  const html = modelSummaryHtml(model);
  model.dispose();
  assert.equal(html.match(/<tr>/g)?.length, 1 + 8, "a header and one row per layer");
  assert.ok(html.includes('<td>(None, 26, 26, 32)</td><td class="num">320</td>'));
  assert.ok(html.includes("Total params: <b>93,322</b>"));
});
