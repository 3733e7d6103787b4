import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compareWithCpu, randomInput, setupWasm } from "./_compare.ts";

await setupWasm();

Deno.test("GatherV2 on wasm equals cpu exactly", async (t) => {
  const indices = { shape: [5], values: new Int32Array([7, 0, 7, 3, 9]), dtype: "int32" as const };
  const cases: [string, number[], number][] = [
    ["rows of images [10,28,28,1]", [10, 28, 28, 1], 0],
    ["labels [10]", [10], 0],
    ["axis 1 (stock)", [3, 10, 2], 1],
  ];
  for (const [i, [name, shape, axis]] of cases.entries()) {
    await t.step(name, async () => {
      const { error, wasmShape, cpuShape } = await compareWithCpu(
        "GatherV2",
        { x: randomInput(shape, 90 + i), indices },
        { axis, batchDims: 0 },
      );
      assert.deepEqual(wasmShape, cpuShape);
      assert.equal(error, 0);
    });
  }
});

Deno.test("GatherV2 on wasm rejects an index out of range without leaking", async () => {
  await tf.setBackend("wasm");
  const x = tf.ones([4, 3]);
  const before = tf.memory().numTensors;
  assert.throws(() => tf.gather(x, tf.tensor1d([1, 4], "int32")), /index value 4/);
  assert.ok(tf.memory().numTensors <= before + 1); // the indices tensor itself
  x.dispose();
});

Deno.test("GatherV2 on wasm gathers int32 rows with 2-D indices", async () => {
  await tf.setBackend("wasm");
  const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], "int32");
  const picked = tf.gather(x, tf.tensor2d([2, 0, 1, 1], [2, 2], "int32"));
  assert.deepEqual(picked.shape, [2, 2, 2]);
  assert.deepEqual(await picked.array(), [[[5, 6], [1, 2]], [[3, 4], [3, 4]]]);
  tf.dispose([x, picked]);
});
