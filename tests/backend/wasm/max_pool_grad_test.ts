import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { compareWithCpu, type Input, randomInput, setupWasm, TOLERANCE, use } from "./_compare.ts";
import { mulberry32 } from "../../../lib/random.ts";

await setupWasm();

/** ReLU'd values on a coarse grid: many exact ties, including whole windows of zeros. */
function tiedInput(shape: number[], seed: number): Input {
  const random = mulberry32(seed);
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = Math.max(0, Math.floor(random() * 4) - 1);
  return { shape, values };
}

/** Distinct positive values (where the stock kernel's tie and sign quirks cannot show). */
function distinctInput(shape: number[]): Input {
  const values = new Float32Array(tf.util.sizeFromShape(shape));
  for (let i = 0; i < values.length; i++) values[i] = 1 + ((i * 7919) % values.length);
  return { shape, values };
}

async function compare(
  x: Input,
  filterSize: number,
  strides: number,
  pad: "valid" | "same",
  seed: number,
) {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const info = tf.backend_util.computePool2DInfo([n, h, w, c], filterSize, strides, 1, pad);
  await use("cpu");
  const pooled = tf.maxPool(tf.tensor4d(x.values, [n, h, w, c]), filterSize, strides, pad);
  const output = { shape: pooled.shape, values: await pooled.data() as Float32Array };
  pooled.dispose();
  assert.deepEqual(output.shape, info.outShape);
  return await compareWithCpu(
    "MaxPoolGrad",
    { dy: randomInput(info.outShape, seed), input: x, output },
    { filterSize, strides, pad },
  );
}

Deno.test("MaxPoolGrad on wasm matches cpu, ties going to the first maximum", async (t) => {
  const cases: [string, Input][] = [
    ["2×2 on 26×26×8 with ties, batch 4", tiedInput([4, 26, 26, 8], 1)],
    ["2×2 on 13×13×4 (odd: last row and column unused)", tiedInput([2, 13, 13, 4], 2)],
    ["2×2 on random signed values", randomInput([3, 12, 10, 5], 3)],
  ];
  for (const [name, x] of cases) {
    await t.step(name, async () => {
      const { error, wasmShape } = await compare(x, 2, 2, "valid", 7);
      assert.deepEqual(wasmShape, x.shape);
      assert.ok(error <= TOLERANCE, `relative error ${error}`);
    });
  }
  await t.step("3×3 stride 3", async () => {
    const { error } = await compare(tiedInput([2, 9, 9, 3], 4), 3, 3, "valid", 8);
    assert.ok(error <= TOLERANCE, `relative error ${error}`);
  });
  await t.step("overlapping 3×3 stride 2 (stock fallback, distinct values)", async () => {
    const { error } = await compare(distinctInput([2, 9, 9, 3]), 3, 2, "valid", 9);
    assert.ok(error <= TOLERANCE, `relative error ${error}`);
  });
});
