import assert from "node:assert/strict";
import { flipIsCheaper } from "../../../lib/backend/wasm/batch_mat_mul.ts";
import { compareWithCpu, randomInput, setupWasm, TOLERANCE } from "./_compare.ts";

await setupWasm();

Deno.test("BatchMatMul on wasm matches cpu for every transpose combination", async (t) => {
  const cases: [string, number[], number[], boolean, boolean][] = [
    ["plain [32,784]·[784,128]", [32, 784], [784, 128], false, false],
    ["Xᵀ·dY [32,784]ᵀ·[32,128]", [32, 784], [32, 128], true, false],
    ["dY·Wᵀ [32,10]·[128,10]ᵀ", [32, 10], [128, 10], false, true],
    ["both transposed", [20, 7], [9, 20], true, true],
    ["rank 3, batch 1", [1, 16, 24], [1, 16, 8], true, false],
    ["rank 3, batch 3 (stock)", [3, 16, 24], [3, 16, 8], true, false],
  ];
  for (const [i, [name, a, b, transposeA, transposeB]] of cases.entries()) {
    await t.step(name, async () => {
      const { error, wasmShape, cpuShape } = await compareWithCpu(
        "BatchMatMul",
        { a: randomInput(a, 50 + i), b: randomInput(b, 60 + i) },
        { transposeA, transposeB },
      );
      assert.deepEqual(wasmShape, cpuShape);
      assert.ok(error <= TOLERANCE, `relative error ${error}`);
    });
  }
});

Deno.test("flipIsCheaper() flips only a small batch against a large kernel", () => {
  assert.equal(flipIsCheaper(32, 784, 128), true); // mlp forward
  assert.equal(flipIsCheaper(64, 576, 64), false); // cnn-deep dense
  assert.equal(flipIsCheaper(128, 4608, 128), false); // cnn-wide dense
  assert.equal(flipIsCheaper(32, 43264, 9), false); // filter gradient: patches stay packed
});
