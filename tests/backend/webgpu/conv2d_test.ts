import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { type Conv2DAttrs, runConv2DDirect } from "../../../lib/backend/webgpu/conv2d.ts";
import { setWebGpuKernels } from "../../../lib/backend/webgpu/register_kernels.ts";
import { assertClose, HAS_WEBGPU, randomHost, runOn, toTensor } from "./_gpu_test_utils.ts";

interface Case {
  name: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  pad: "valid" | "same";
}

// The seed models' conv geometries at small batch and channel counts (llvmpipe is slow).
const CASES: Case[] = [
  { name: "cnn-deep layer 1, batch 2", x: [2, 28, 28, 1], filter: [3, 3, 1, 32], pad: "valid" },
  { name: "cnn-deep layer 2-like", x: [2, 13, 13, 8], filter: [3, 3, 8, 16], pad: "valid" },
  {
    name: "cnn-deep layer 3-like, batch 3",
    x: [3, 5, 5, 16],
    filter: [3, 3, 16, 16],
    pad: "valid",
  },
  { name: "cnn-basic 3×3 same", x: [2, 14, 14, 1], filter: [3, 3, 1, 32], pad: "same" },
  { name: "cnn-wide 5×5 valid", x: [1, 12, 12, 1], filter: [5, 5, 1, 32], pad: "valid" },
  { name: "3 input channels, same", x: [1, 7, 7, 3], filter: [3, 3, 3, 8], pad: "same" },
];

function attrsOf(c: Case): Conv2DAttrs {
  return { strides: 1, pad: c.pad, dataFormat: "NHWC", dilations: 1 };
}

for (const [i, c] of CASES.entries()) {
  Deno.test({
    name: `Conv2D (fast) matches cpu: ${c.name}`,
    ignore: !HAS_WEBGPU,
    async fn(t) {
      const x = randomHost(c.x, 200 + i);
      const w = randomHost(c.filter, 300 + i);
      const conv = () =>
        tf.conv2d(toTensor(x) as tf.Tensor4D, toTensor(w) as tf.Tensor4D, 1, c.pad);
      const expected = await runOn("cpu", conv);
      setWebGpuKernels("fast");
      await t.step("registered kernel (tuned for this adapter)", async () => {
        assertClose(await runOn("webgpu", conv), expected);
      });
      for (const tuning of ["gpu", "cpu"] as const) {
        await t.step(`plan tuned for ${tuning}`, async () => {
          const actual = await runOn("webgpu", () => {
            const info = runConv2DDirect(
              tf.backend(),
              toTensor(x),
              toTensor(w),
              attrsOf(c),
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
  name: "runConv2DDirect() declines strides, dilations and NCHW",
  ignore: !HAS_WEBGPU,
  async fn() {
    await runOn("webgpu", () => {
      const x = tf.zeros([1, 9, 9, 4]);
      const w = tf.zeros([3, 3, 4, 8]);
      const attrs: Conv2DAttrs = { strides: 1, pad: "valid", dataFormat: "NHWC", dilations: 1 };
      const backend = tf.backend();
      assert.equal(runConv2DDirect(backend, x, w, { ...attrs, strides: 2 }), undefined);
      assert.equal(runConv2DDirect(backend, x, w, { ...attrs, dilations: 2 }), undefined);
      assert.equal(runConv2DDirect(backend, x, w, { ...attrs, dataFormat: "NCHW" }), undefined);
      return x;
    });
  },
});
