import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compareWithCpu, randomInput, setupWasm } from "./_compare.ts";

await setupWasm();

Deno.test("Slice on wasm equals cpu exactly", async (t) => {
  const cases: [string, number[], number[], number[]][] = [
    ["rows of a dataset [300,784]", [300, 784], [100, 0], [64, 784]],
    ["a 1-D range", [1000], [37], [64]],
    ["a crop of [4,13,13,6]", [4, 13, 13, 6], [0, 0, 0, 0], [4, 12, 12, 6]],
    ["an inner box", [3, 7, 8, 5], [1, 2, 3, 1], [2, 4, 4, 3]],
    ["size -1 to the end", [5, 6], [2, 1], [-1, -1]],
    ["a scalar's worth", [4, 4], [3, 3], [1, 1]],
  ];
  for (const [i, [name, shape, begin, size]] of cases.entries()) {
    await t.step(name, async () => {
      const { error, wasmShape, cpuShape } = await compareWithCpu(
        "Slice",
        { x: randomInput(shape, 80 + i) },
        { begin, size },
      );
      assert.deepEqual(wasmShape, cpuShape);
      assert.equal(error, 0);
    });
  }
});

Deno.test("Slice on wasm keeps int32 and bool values", async () => {
  await tf.setBackend("wasm");
  const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], "int32");
  assert.deepEqual(await tf.slice(ints, [1, 1], [2, 1]).array(), [[4], [6]]);
  const bools = tf.tensor1d([true, false, true, true], "bool");
  assert.deepEqual(await tf.slice(bools, [1], [2]).array(), [0, 1]);
  tf.dispose([ints, bools]);
});
