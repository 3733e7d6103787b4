import assert from "node:assert/strict";
import { SEED_CONV_LAYERS } from "../../../lib/backend/webgpu/bench_kernels.ts";
import { describeLayerPlans } from "../../../lib/backend/webgpu/kernel_plans.ts";

Deno.test("describeLayerPlans() shows the gpu plans that only real batch sizes reach", () => {
  const conv1 = describeLayerPlans(SEED_CONV_LAYERS["cnn-deep/conv1"]!, 64, "gpu");
  const conv2 = describeLayerPlans(SEED_CONV_LAYERS["cnn-deep/conv2"]!, 64, "gpu");
  // The review's figures: at batch 64, conv1's reduce uses 64 lanes, conv2 9 rows per split.
  assert.equal(conv1.filterGrad!.reduceLanes, 64);
  assert.equal(conv2.filterGrad!.rowsPerSplit, 9);
  // At the test files' batch sizes (≤ 3) neither happens.
  const small = describeLayerPlans(SEED_CONV_LAYERS["cnn-deep/conv2"]!, 3, "gpu");
  assert.equal(small.filterGrad!.rowsPerSplit, 1);
  assert.ok(small.filterGrad!.reduceLanes <= 4);
});

Deno.test("describeLayerPlans() leaves out the kernels tfjs runs instead", () => {
  // conv1 has one input channel: no direct input gradient (it needs a multiple of 4).
  const conv1 = describeLayerPlans(SEED_CONV_LAYERS["cnn-deep/conv1"]!, 64, "cpu");
  assert.equal(conv1.inputGrad, undefined);
  assert.ok(conv1.forward && conv1.filterGrad);
  const conv2 = describeLayerPlans(SEED_CONV_LAYERS["cnn-deep/conv2"]!, 64, "cpu");
  assert.equal(conv2.forward!.workgroupSize, 8);
  assert.ok(conv2.inputGrad);
});
