import assert from "node:assert/strict";
import {
  ARCHITECTURE_NAMES,
  ARCHITECTURES,
  getArchitecture,
} from "../../lib/models/architectures.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { useCpu } from "../_synthetic.ts";

await useCpu();

Deno.test("ARCHITECTURES holds the four seed models with the seeds' parameter counts", () => {
  assert.deepEqual([...ARCHITECTURE_NAMES], ["mlp", "cnn-basic", "cnn-wide", "cnn-deep"]);
  const counts = Object.fromEntries(
    ARCHITECTURE_NAMES.map((n) => [n, ARCHITECTURES[n]!.expectedParams]),
  );
  assert.deepEqual(counts, {
    "mlp": 101_770,
    "cnn-basic": 63_050,
    "cnn-wide": 592_074,
    "cnn-deep": 93_322,
  });
});

Deno.test("buildModel() gives each architecture exactly its seed's parameter count", async (t) => {
  for (const name of ARCHITECTURE_NAMES) {
    await t.step(name, () => {
      const model = buildModel(name);
      assert.equal(model.countParams(), getArchitecture(name).expectedParams);
      assert.deepEqual(model.inputs[0]!.shape, [null, 28, 28, 1]);
      assert.deepEqual(model.outputs[0]!.shape, [null, 10]);
      model.dispose();
    });
  }
});

Deno.test("buildModel() builds cnn-deep with the seed's layer shapes", () => {
  const model = buildModel("cnn-deep");
  const shapes = model.layers.map((l) => JSON.stringify(l.outputShape));
  assert.deepEqual(shapes, [
    "[null,26,26,32]",
    "[null,13,13,32]",
    "[null,11,11,64]",
    "[null,5,5,64]",
    "[null,3,3,64]",
    "[null,576]",
    "[null,64]",
    "[null,10]",
  ]);
  model.dispose();
});

Deno.test("buildModel() with one seed gives identical weights, another seed different ones", () => {
  const [a, b, c] = [1, 1, 2].map((seed) => buildModel("cnn-basic", { seed }));
  const first = (m: typeof a) => m!.getWeights()[0]!.dataSync();
  assert.deepEqual(first(a), first(b));
  assert.notDeepEqual(first(a), first(c));
  [a, b, c].forEach((m) => m!.dispose());
});

Deno.test("getArchitecture() rejects an unknown name and lists the known ones", () => {
  assert.throws(() => getArchitecture("resnet"), /Unknown architecture "resnet".*cnn-deep/);
});
