import assert from "node:assert/strict";
import { compareWithCpu, randomInput, setupWasm, TOLERANCE } from "./_compare.ts";

await setupWasm();

Deno.test("Sum on wasm matches cpu", async (t) => {
  const cases: [string, number[], number[], boolean][] = [
    ["conv bias gradient [64,26,26,32] over 0,1,2", [64, 26, 26, 32], [0, 1, 2], false],
    ["dense bias gradient [32,128] over 0", [32, 128], [0], false],
    ["keepDims", [4, 5, 6], [0, 1], true],
    ["inner axis (stock)", [8, 9], [1], false],
    ["all axes (stock)", [8, 9], [0, 1], false],
    ["middle axis (stock)", [4, 5, 6], [1], false],
  ];
  for (const [i, [name, shape, axis, keepDims]] of cases.entries()) {
    await t.step(name, async () => {
      const { error, wasmShape, cpuShape } = await compareWithCpu(
        "Sum",
        { x: randomInput(shape, 70 + i) },
        { axis, keepDims },
      );
      assert.deepEqual(wasmShape, cpuShape);
      assert.ok(error <= TOLERANCE, `relative error ${error}`);
    });
  }
});
