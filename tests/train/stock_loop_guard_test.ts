import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { refuseStockLoops } from "../../lib/train/stock_loop_guard.ts";
import { createEpochRunner } from "../../lib/train/create_runner.ts";
import { buildModel } from "../../lib/models/build_model.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { BackendUnavailableError } from "../../lib/errors.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit, useCpu } from "../_synthetic.ts";
import { runnerInput } from "../engine/_engine_test_utils.ts";

const adapter = (description: string) => ({ device: { adapterInfo: { description } } });
const LLVMPIPE = adapter("llvmpipe (LLVM 15.0.6, 256 bits)");

Deno.test("refuseStockLoops: a software adapter's tfjs path is refused past the loop budget", async () => {
  await useCpu();
  const basic = buildModel("cnn-basic"); // conv 3×3 same: 28×28 outputs
  const deep = buildModel("cnn-deep"); // first conv 26×26 outputs
  try {
    // 77 × 28 × 29 + 77 × 29 + 78 = 64,835 passes fit; 78 images would not.
    assert.doesNotThrow(() => refuseStockLoops(basic, 77, LLVMPIPE));
    assert.throws(
      () => refuseStockLoops(basic, 100, LLVMPIPE),
      (e: Error) =>
        e instanceof BackendUnavailableError && !e.message.includes("\n") &&
        /cannot train conv2d\w* at batch 100 .* at most 77\)$/.test(e.message),
    );
    assert.doesNotThrow(() => refuseStockLoops(deep, 64, LLVMPIPE));
    assert.throws(() => refuseStockLoops(deep, 96, LLVMPIPE), BackendUnavailableError);
    // A GPU has no such budget.
    assert.doesNotThrow(() => refuseStockLoops(basic, 1024, adapter("NVIDIA H200")));
  } finally {
    basic.dispose();
    deep.dispose();
  }
});

Deno.test({
  name: "createEpochRunner: the tfjs path on this software adapter refuses cnn-basic at batch 100",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { selectBackend } = await import("../../lib/backend/select_backend.ts");
    await selectBackend("webgpu");
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    if (!/llvmpipe|lavapipe/.test(device.adapterInfo.description)) return;
    const input = runnerInput(getArchitecture("cnn-basic"), syntheticSplit(200), 100);
    try {
      await assert.rejects(
        () => createEpochRunner(input, "tfjs", { backend: "webgpu" }),
        BackendUnavailableError,
      );
      const small = await createEpochRunner({ ...input, batchSize: 64 }, "tfjs", {
        backend: "webgpu",
      });
      assert.equal(small.engine, "tfjs");
      small.dispose();
    } finally {
      input.model.dispose();
    }
  },
});
