import assert from "node:assert/strict";
import { compareModels } from "../../lib/compare/compare_models.ts";
import { renderMarkdownTable, renderTextTable } from "../../lib/compare/render_table.ts";
import { selectBackend } from "../../lib/backend/select_backend.ts";
import { syntheticMnist } from "../_synthetic.ts";

await selectBackend("auto");

Deno.test("compareModels() trains each architecture and lines it up against its seed", async () => {
  const started: string[] = [];
  const rows = await compareModels({
    archs: ["mlp", "cnn-basic"],
    data: syntheticMnist(64, 20),
    epochs: 1,
    seed: 3,
    onArch: (arch) => started.push(arch),
  });
  assert.deepEqual(started, ["mlp", "cnn-basic"]);
  assert.deepEqual(rows.map((r) => [r.arch, r.seeds, r.params, r.epochs, r.batchSize]), [
    ["mlp", ["003"], 101_770, 1, 32],
    ["cnn-basic", ["001"], 63_050, 1, 100],
  ]);
  for (const row of rows) {
    assert.equal(row.testCount, 20);
    assert.equal(row.wrong, Math.round((1 - row.accuracy) * 20));
    assert.ok(Math.abs(row.difference! - (row.accuracy - row.seedAccuracy!)) < 1e-12);
    assert.ok(row.imagesPerSecond > 0 && row.secondsPerEpoch > 0);
  }
  assert.equal(rows[0]!.seedAccuracy, 0.9775);
  const text = renderTextTable(rows);
  assert.match(text, /^arch\s+seed\s+params/);
  assert.match(text, /cnn-basic\s+001\s+63,050/);
  const markdown = renderMarkdownTable(rows).split("\n");
  assert.equal(markdown.length, 4);
  assert.match(markdown[1]!, /^\| --- \| --- \| ---: /);
});
