import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { planMaxPoolGrad } from "../../../lib/backend/webgpu/max_pool_grad.ts";
import { setWebGpuKernels } from "../../../lib/backend/webgpu/register_kernels.ts";
import {
  assertClose,
  HAS_WEBGPU,
  type HostTensor,
  randomHost,
  runOn,
  toTensor,
} from "./_gpu_test_utils.ts";

interface Case {
  name: string;
  x: [number, number, number, number];
  pool: number;
  stride: number;
}

const CASES: Case[] = [
  { name: "cnn-deep pool 1 (26 → 13), 8 channels", x: [2, 26, 26, 8], pool: 2, stride: 2 },
  { name: "odd size (11 → 5, last row dropped)", x: [2, 11, 11, 4], pool: 2, stride: 2 },
  { name: "3 channels (scalar path)", x: [1, 8, 8, 3], pool: 2, stride: 2 },
  { name: "3×3 pool, stride 3", x: [1, 9, 9, 4], pool: 3, stride: 3 },
];

/** ReLU-like input: a third of the values are exactly zero, so windows have ties. */
function reluInput(shape: number[], seed: number): HostTensor {
  const host = randomHost(shape, seed);
  return { shape, values: host.values.map((v) => Math.max(0, v - 0.3)) };
}

function maxPoolGrad(c: Case, x: HostTensor, dy: HostTensor): tf.Tensor {
  const input = toTensor(x) as tf.Tensor4D;
  const output = tf.maxPool(input, c.pool, c.stride, "valid");
  const attrs = { filterSize: c.pool, strides: c.stride, pad: "valid" };
  return tf.engine().runKernel(
    "MaxPoolGrad",
    { dy: toTensor(dy), input, output },
    attrs,
  ) as tf.Tensor;
}

for (const [i, c] of CASES.entries()) {
  Deno.test({
    name: `MaxPoolGrad (fast) matches cpu, ties included: ${c.name}`,
    ignore: !HAS_WEBGPU,
    async fn() {
      const x = reluInput(c.x, 60 + i);
      const outShape = (await runOn("cpu", () =>
        tf.maxPool(toTensor(x) as tf.Tensor4D, c.pool, c.stride, "valid"))).shape;
      const dy = randomHost(outShape, 80 + i);
      const expected = await runOn("cpu", () =>
        maxPoolGrad(c, x, dy));
      setWebGpuKernels("fast");
      assertClose(
        await runOn("webgpu", () =>
          maxPoolGrad(c, x, dy)),
        expected,
      );
    },
  });
}

Deno.test({
  name: "MaxPoolGrad (fast) falls back to tfjs for overlapping windows",
  ignore: !HAS_WEBGPU,
  async fn() {
    // No ties here: on ties tfjs' webgpu kernel picks the last maximum, cpu the first.
    const c: Case = { name: "3×3 stride 2", x: [1, 9, 9, 4], pool: 3, stride: 2 };
    const x = randomHost(c.x, 5);
    const dy = randomHost([1, 4, 4, 4], 6);
    const expected = await runOn("cpu", () => maxPoolGrad(c, x, dy));
    setWebGpuKernels("fast");
    assertClose(await runOn("webgpu", () => maxPoolGrad(c, x, dy)), expected);
  },
});

Deno.test("planMaxPoolGrad() takes only non-overlapping unpadded pools", () => {
  const x = { dataId: {}, shape: [1, 8, 8, 4], dtype: "float32" as const };
  assert.ok(planMaxPoolGrad(x, { filterSize: 2, strides: 2, pad: "valid" }));
  assert.equal(planMaxPoolGrad(x, { filterSize: 3, strides: 2, pad: "valid" }), undefined);
  assert.equal(planMaxPoolGrad(x, { filterSize: 3, strides: 3, pad: "same" }), undefined);
  assert.equal(
    planMaxPoolGrad({ ...x, dtype: "int32" }, { filterSize: 2, strides: 2, pad: "valid" }),
    undefined,
  );
});
