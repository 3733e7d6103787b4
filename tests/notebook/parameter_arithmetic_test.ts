import assert from "node:assert/strict";
import { parameterArithmetic } from "../../lib/notebook/parameter_arithmetic.ts";
import { jupyterBundle } from "../../lib/report/_jupyter.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { ARCHITECTURE_NAMES, ARCHITECTURES } from "../../lib/models/architectures.ts";
import { useCpu } from "../_synthetic.ts";

await useCpu();

/** Evaluates a formula like `32 filters × (5 × 5 × 1 channels) + 32 biases = 832`. */
function evaluate(formula: string): { computed: number; stated: number } {
  const [lhs, rhs] = formula.split(" = ").map((s) => s.replaceAll(",", ""));
  const expression = lhs!.replace(/[a-z:]+/g, "").replaceAll("×", "*");
  assert.match(expression, /^[\d\s*+()]*$/, formula);
  const computed = expression.trim() === "" ? 0 : new Function(`return ${expression}`)();
  return { computed, stated: Number(rhs ?? lhs!.match(/\d+$/)![0]) };
}

Deno.test("parameterArithmetic() writes seed 002's conv count as 32 × (5 × 5 × 1) + 32 = 832", () => {
  const { rows } = parameterArithmetic(buildModel("cnn-wide", { seed: 1 }));
  assert.deepEqual(rows.map((r) => r.formula), [
    "32 filters × (5 × 5 × 1 channels) + 32 biases = 832",
    "no weights: 0",
    "no weights: 0",
    "128 units × 4,608 inputs + 128 biases = 589,952",
    "10 units × 128 inputs + 10 biases = 1,290",
  ]);
});

for (const arch of ARCHITECTURE_NAMES) {
  Deno.test(`parameterArithmetic(${arch}): every formula adds up to its layer's count`, () => {
    const model = buildModel(arch, { seed: 1 });
    const { rows, total } = parameterArithmetic(model);
    assert.equal(rows.length, model.layers.length);
    for (const [i, row] of rows.entries()) {
      const { computed, stated } = evaluate(row.formula);
      assert.equal(computed, row.params, row.formula);
      assert.equal(stated, row.params, row.formula);
      assert.equal(row.params, model.layers[i]!.countParams());
    }
    assert.equal(total, ARCHITECTURES[arch]!.expectedParams);
  });
}

Deno.test("parameterArithmetic() shows a Markdown table in a notebook", async () => {
  const bundle = await jupyterBundle(parameterArithmetic(buildModel("cnn-deep", { seed: 1 })));
  const lines = bundle!["text/markdown"]!.split("\n");
  assert.equal(lines[0], "| layer | type | parameters |");
  assert.match(
    lines[2]!,
    /\| Conv2D \| 32 filters × \(3 × 3 × 1 channels\) \+ 32 biases = 320 \|$/,
  );
  assert.equal(lines.at(-1), "| **total** | | **93,322** |");
  assert.match(bundle!["text/plain"]!, /Total: 93,322 parameters$/);
});
