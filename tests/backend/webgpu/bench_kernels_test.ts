import assert from "node:assert/strict";
import {
  activeWebGpuKernels,
  setWebGpuKernels,
} from "../../../lib/backend/webgpu/register_kernels.ts";
import { benchConv2DBackpropFilter } from "../../../lib/backend/webgpu/bench_kernels.ts";
import { HAS_WEBGPU, useBackend } from "./_gpu_test_utils.ts";

Deno.test({
  name: "benchConv2DBackpropFilter() times a layer and restores the kernel set",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    setWebGpuKernels("stock");
    const result = await benchConv2DBackpropFilter({ batch: 2, kernels: "fast", calls: 2 });
    assert.equal(result.layer, "cnn-deep/conv1");
    assert.equal(result.kernels, "fast");
    assert.equal(result.calls, 2);
    assert.ok(result.msPerCall > 0 && Number.isFinite(result.msPerCall));
    assert.equal(activeWebGpuKernels(), "stock");
  },
});

Deno.test("benchConv2DBackpropFilter() rejects an unknown layer and a bad batch size", async () => {
  await assert.rejects(() => benchConv2DBackpropFilter({ layer: "cnn-deep/conv9" }), RangeError);
  await assert.rejects(() => benchConv2DBackpropFilter({ batch: 0 }), RangeError);
});
