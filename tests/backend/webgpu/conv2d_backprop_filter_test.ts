import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  type FilterGradAttrs,
  planConv2DBackpropFilter,
  runConv2DBackpropFilter,
} from "../../../lib/backend/webgpu/conv2d_backprop_filter.ts";
import { setWebGpuKernels } from "../../../lib/backend/webgpu/register_kernels.ts";
import type { KernelTuning } from "../../../lib/backend/webgpu/_tuning.ts";
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
  x: number[];
  filter: [number, number, number, number];
  pad: "valid" | "same";
  stride?: number;
}

// The seed models' layer geometries at small batch and channel counts (llvmpipe is slow).
const CASES: Case[] = [
  { name: "cnn-deep layer 1, batch 2", x: [2, 28, 28, 1], filter: [3, 3, 1, 32], pad: "valid" },
  { name: "cnn-deep layer 2-like", x: [2, 9, 9, 8], filter: [3, 3, 8, 8], pad: "valid" },
  { name: "cnn-deep layer 3-like, batch 3", x: [3, 5, 5, 8], filter: [3, 3, 8, 8], pad: "valid" },
  { name: "cnn-basic 3×3 same", x: [2, 14, 14, 1], filter: [3, 3, 1, 32], pad: "same" },
  { name: "cnn-wide 5×5 valid", x: [1, 12, 12, 1], filter: [5, 5, 1, 32], pad: "valid" },
  { name: "3 input channels, same", x: [1, 7, 7, 3], filter: [3, 3, 3, 8], pad: "same" },
];

function attrsOf(c: Case): FilterGradAttrs {
  const s = c.stride ?? 1;
  return { strides: [s, s], pad: c.pad, dataFormat: "NHWC", filterShape: c.filter };
}

/** Seeded x and dy for a case (dy shaped like the conv output). */
async function inputsOf(c: Case, seed: number): Promise<{ x: HostTensor; dy: HostTensor }> {
  const x = randomHost(c.x, seed);
  const out = await runOn("cpu", () => {
    const w = tf.zeros(c.filter) as tf.Tensor4D;
    return tf.conv2d(toTensor(x) as tf.Tensor4D, w, c.stride ?? 1, c.pad);
  });
  return { x, dy: randomHost(out.shape, seed + 1) };
}

function filterGrad(c: Case, x: HostTensor, dy: HostTensor): tf.Tensor {
  const inputs = { x: toTensor(x), dy: toTensor(dy) };
  return tf.engine().runKernel("Conv2DBackpropFilter", inputs, { ...attrsOf(c) }) as tf.Tensor;
}

function planned(c: Case, x: HostTensor, dy: HostTensor, tuning: KernelTuning): tf.Tensor {
  const xt = toTensor(x);
  const dyt = toTensor(dy);
  const plan = planConv2DBackpropFilter(xt, dyt, attrsOf(c), tuning);
  assert.ok(plan, `no fast plan for ${c.name}`);
  const info = runConv2DBackpropFilter(tf.backend(), xt, dyt, plan);
  return tf.engine().makeTensorFromTensorInfo(info);
}

for (const [i, c] of CASES.entries()) {
  Deno.test({
    name: `Conv2DBackpropFilter (fast) matches cpu: ${c.name}`,
    ignore: !HAS_WEBGPU,
    async fn(t) {
      const { x, dy } = await inputsOf(c, 10 + i);
      const expected = await runOn("cpu", () => filterGrad(c, x, dy));
      setWebGpuKernels("fast");
      await t.step("registered kernel (tuned for this adapter)", async () => {
        assertClose(await runOn("webgpu", () => filterGrad(c, x, dy)), expected);
      });
      for (const tuning of ["gpu", "cpu"] as const) {
        await t.step(`plan tuned for ${tuning}`, async () => {
          assertClose(await runOn("webgpu", () => planned(c, x, dy, tuning)), expected);
        });
      }
    },
  });
}

Deno.test({
  name: "Conv2DBackpropFilter (fast) falls back to tfjs for stride 2",
  ignore: !HAS_WEBGPU,
  async fn() {
    const c: Case = {
      name: "stride 2",
      x: [1, 9, 9, 4],
      filter: [3, 3, 4, 8],
      pad: "valid",
      stride: 2,
    };
    const x = toTensor(randomHost(c.x, 1));
    const dy = toTensor(randomHost([1, 4, 4, 8], 2));
    assert.equal(planConv2DBackpropFilter(x, dy, attrsOf(c)), undefined);
    tf.dispose([x, dy]);
    const { x: hx, dy: hdy } = await inputsOf(c, 3);
    const expected = await runOn("cpu", () => filterGrad(c, hx, hdy));
    setWebGpuKernels("fast");
    assertClose(await runOn("webgpu", () => filterGrad(c, hx, hdy)), expected);
  },
});

Deno.test("planConv2DBackpropFilter() declines NCHW and output channels not divisible by 4", () => {
  const x = { dataId: {}, shape: [1, 6, 6, 4], dtype: "float32" as const };
  const dy = { dataId: {}, shape: [1, 4, 4, 6], dtype: "float32" as const };
  const attrs: FilterGradAttrs = {
    strides: 1,
    pad: "valid",
    dataFormat: "NHWC",
    filterShape: [3, 3, 4, 6],
  };
  assert.equal(planConv2DBackpropFilter(x, dy, attrs), undefined);
  const ok = { ...attrs, filterShape: [3, 3, 4, 8] as [number, number, number, number] };
  assert.ok(planConv2DBackpropFilter(x, { ...dy, shape: [1, 4, 4, 8] }, ok));
  assert.equal(planConv2DBackpropFilter(x, dy, { ...ok, dataFormat: "NCHW" }), undefined);
});

Deno.test({
  name: "tf.grads() of a conv layer uses the fast kernel and matches cpu",
  ignore: !HAS_WEBGPU,
  async fn() {
    const x = randomHost([2, 10, 10, 4], 7);
    const w = randomHost([3, 3, 4, 8], 8);
    const r = randomHost([2, 8, 8, 8], 9);
    const gradW = () => {
      const loss = (wt: tf.Tensor) =>
        tf.sum(
          tf.mul(tf.conv2d(toTensor(x) as tf.Tensor4D, wt as tf.Tensor4D, 1, "valid"), toTensor(r)),
        );
      return tf.grad(loss)(toTensor(w));
    };
    const expected = await runOn("cpu", gradW);
    setWebGpuKernels("fast");
    assertClose(await runOn("webgpu", gradW), expected);
  },
});
