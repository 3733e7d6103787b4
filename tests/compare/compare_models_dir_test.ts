import assert from "node:assert/strict";
import { compareModels } from "../../lib/compare/compare_models.ts";
import { selectBackend } from "../../lib/backend/select_backend.ts";
import { jupyterBundle } from "../../lib/report/_jupyter.ts";
import { syntheticMnist } from "../_synthetic.ts";

await selectBackend("auto");

Deno.test("compareModels({ modelsDir }) saves each model and reuses it on the next call", async () => {
  const modelsDir = await Deno.makeTempDir({ prefix: "compare-" });
  try {
    const data = syntheticMnist(64, 20);
    const options = { archs: ["mlp", "cnn-basic"], data, epochs: 1, seed: 3, modelsDir };
    const reused: boolean[] = [];
    const first = await compareModels({ ...options, onResult: (r) => void reused.push(r.reused) });
    for (const arch of options.archs) {
      assert.ok((await Deno.stat(`${modelsDir}/${arch}/model.json`)).isFile, arch);
    }
    const second = await compareModels({ ...options, onResult: (r) => void reused.push(r.reused) });
    assert.deepEqual(reused, [false, false, true, true]);
    assert.deepEqual(second.map((r) => r.accuracy), first.map((r) => r.accuracy));
    assert.deepEqual(second.map((r) => r.history), first.map((r) => r.history));
  } finally {
    await Deno.remove(modelsDir, { recursive: true });
  }
});

Deno.test("compareModels() rows show themselves as a Markdown table in a notebook", async () => {
  const rows = await compareModels({ archs: ["mlp"], data: syntheticMnist(32, 10), epochs: 1 });
  const bundle = await jupyterBundle(rows);
  assert.match(
    bundle!["text/markdown"]!,
    /^\| arch \| seed \| params \|.*\n\| --- \|.*\n\| mlp \| 003 \|/,
  );
  assert.match(bundle!["text/plain"]!, /^arch\s+seed\s+params/);
  assert.equal(JSON.stringify(rows).startsWith('[{"arch":"mlp"'), true);
});
