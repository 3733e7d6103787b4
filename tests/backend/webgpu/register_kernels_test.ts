import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  activeWebGpuKernels,
  FAST_WEBGPU_KERNELS,
  registerWebGpuKernels,
  setWebGpuKernels,
  unregisterWebGpuKernels,
} from "../../../lib/backend/webgpu/register_kernels.ts";

const REPLACED = ["Conv2D", "Conv2DBackpropFilter", "Conv2DBackpropInput", "MaxPoolGrad"];

function kernelFuncs(): tf.KernelFunc[] {
  return REPLACED.map((name) => tf.getKernel(name, "webgpu")!.kernelFunc);
}

// Registration only edits tfjs' kernel registry, so this needs no adapter.
Deno.test("setWebGpuKernels() swaps the webgpu kernels and restores tfjs' own", () => {
  setWebGpuKernels("stock");
  const stock = kernelFuncs();
  registerWebGpuKernels();
  assert.equal(activeWebGpuKernels(), "fast");
  const fast = kernelFuncs();
  fast.forEach((f, i) => assert.notEqual(f, stock[i], `${REPLACED[i]} was not replaced`));
  registerWebGpuKernels();
  assert.deepEqual(kernelFuncs(), fast, "registering twice must not wrap twice");
  unregisterWebGpuKernels();
  assert.equal(activeWebGpuKernels(), "stock");
  assert.deepEqual(kernelFuncs(), stock);
});

Deno.test("setWebGpuKernels() leaves other backends' kernels alone", () => {
  const cpu = tf.getKernel("Conv2DBackpropFilter", "cpu")?.kernelFunc;
  setWebGpuKernels("fast");
  assert.equal(tf.getKernel("Conv2DBackpropFilter", "cpu")?.kernelFunc, cpu);
  setWebGpuKernels("stock");
});

Deno.test("setWebGpuKernels() keeps the named kernels stock and rejects unknown names", () => {
  assert.deepEqual([...FAST_WEBGPU_KERNELS].sort(), [...REPLACED].sort());
  setWebGpuKernels("stock");
  const stock = kernelFuncs();
  setWebGpuKernels("fast", { keepStock: ["Conv2D"] });
  const partly = kernelFuncs();
  assert.equal(partly[0], stock[0]);
  assert.notEqual(partly[1], stock[1]);
  setWebGpuKernels("fast");
  assert.notEqual(kernelFuncs()[0], stock[0]);
  assert.throws(() => setWebGpuKernels("fast", { keepStock: ["Conv3D"] }), RangeError);
  setWebGpuKernels("stock");
});
