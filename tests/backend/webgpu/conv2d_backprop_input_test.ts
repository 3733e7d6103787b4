import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { runConv2DBackpropInputDirect } from "../../../lib/backend/webgpu/conv2d_backprop_input.ts";
import { setWebGpuKernels } from "../../../lib/backend/webgpu/register_kernels.ts";
import { countGpuCalls } from "../../../lib/engine/webgpu/gpu_counters.ts";
import { assertClose, HAS_WEBGPU, randomHost, runOn, toTensor } from "./_gpu_test_utils.ts";

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: "valid" | "same";
  stride?: number;
}

const CASES: Case[] = [
  { name: "cnn-deep layer 2-like", x: [2, 13, 13, 8], filter: [3, 3, 8, 16], pad: "valid" },
  { name: "cnn-deep layer 3-like", x: [3, 5, 5, 16], filter: [3, 3, 16, 16], pad: "valid" },
  { name: "3×3 same", x: [2, 7, 7, 4], filter: [3, 3, 4, 8], pad: "same" },
  { name: "5×5 valid", x: [1, 12, 12, 4], filter: [5, 5, 4, 8], pad: "valid" },
  // Through tfjs' tiled program. Input channels that are not multiples of 4 take its scalar
  // tiled shader: correct, but ~20 s to compile on llvmpipe, so the test uses the vec4 one.
  {
    name: "stride 2 (tiled fallback)",
    x: [1, 9, 9, 4],
    filter: [3, 3, 4, 8],
    pad: "valid",
    stride: 2,
  },
];

for (const [i, c] of CASES.entries()) {
  Deno.test({
    name: `Conv2DBackpropInput (fast) matches cpu: ${c.name}`,
    ignore: !HAS_WEBGPU,
    async fn(t) {
      const stride = c.stride ?? 1;
      const w = randomHost(c.filter, 20 + i);
      const outShape = (await runOn("cpu", () =>
        tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, toTensor(w) as tf.Tensor4D, stride, c.pad))).shape;
      const dy = randomHost(outShape, 40 + i);
      const inputGrad = () =>
        tf.conv2dTranspose(
          toTensor(dy) as tf.Tensor4D,
          toTensor(w) as tf.Tensor4D,
          c.x,
          stride,
          c.pad,
        );
      const expected = await runOn("cpu", inputGrad);
      setWebGpuKernels("fast");
      await t.step("registered kernel", async () => {
        assertClose(await runOn("webgpu", inputGrad), expected);
      });
      if (stride !== 1) {
        return;
      }
      const attrs = { inputShape: c.x, strides: 1, pad: c.pad, dataFormat: "NHWC" } as const;
      for (const tuning of ["gpu", "cpu"] as const) {
        await t.step(`direct path tuned for ${tuning}`, async () => {
          const actual = await runOn("webgpu", () => {
            const info = runConv2DBackpropInputDirect(
              tf.backend(),
              toTensor(dy),
              toTensor(w),
              attrs,
              tuning,
            );
            assert.ok(info, `no direct plan for ${c.name}`);
            return tf.engine().makeTensorFromTensorInfo(info);
          });
          assertClose(actual, expected);
        });
      }
    },
  });
}

Deno.test({
  name: "Conv2DBackpropInput (fast) leaves the tfjs naive-transpose flag as it was",
  ignore: !HAS_WEBGPU,
  async fn() {
    setWebGpuKernels("fast");
    const flag = "WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE";
    const before = tf.env().getBool(flag);
    const dy = randomHost([1, 4, 4, 8], 1);
    const w = randomHost([3, 3, 4, 8], 2);
    // Stride 2 goes through tfjs' kernel, with the flag flipped around the call.
    await runOn(
      "webgpu",
      () =>
        tf.conv2dTranspose(
          toTensor(dy) as tf.Tensor4D,
          toTensor(w) as tf.Tensor4D,
          [1, 9, 9, 4],
          2,
          "valid",
        ),
    );
    assert.equal(tf.env().getBool(flag), before);
  },
});

Deno.test({
  name: "Conv2DBackpropInput (fast, gpu plan) reads the filter flipped: one dispatch, not two",
  ignore: !HAS_WEBGPU,
  async fn() {
    await runOn("webgpu", () => tf.zeros([1]));
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const dy = toTensor(randomHost([2, 11, 11, 16], 3));
    const w = toTensor(randomHost([3, 3, 8, 16], 4));
    await Promise.all([dy.data(), w.data()]);
    const attrs = {
      inputShape: [2, 13, 13, 8] as [number, number, number, number],
      strides: 1,
      pad: "valid" as const,
      dataFormat: "NHWC" as const,
    };
    const dispatches: Record<string, number> = {};
    for (const tuning of ["gpu", "cpu"] as const) {
      const run = () => runConv2DBackpropInputDirect(tf.backend(), dy, w, attrs, tuning)!;
      const warm = tf.engine().makeTensorFromTensorInfo(run()); // compiles outside the count
      await warm.data();
      warm.dispose();
      const counter = countGpuCalls(device);
      const dx = tf.engine().makeTensorFromTensorInfo(run());
      await dx.data();
      dispatches[tuning] = counter.counts.dispatches;
      counter.restore();
      dx.dispose();
    }
    assert.deepEqual(dispatches, { gpu: 1, cpu: 2 });
    tf.dispose([dy, w]);
  },
});
