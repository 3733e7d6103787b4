import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { gatherPackedImages, packImageBytes } from "../../../lib/backend/webgpu/gather_images.ts";
import { imagesToDevice } from "../../../lib/train/device_images.ts";
import { syntheticSplit } from "../../_synthetic.ts";
import { HAS_WEBGPU, useBackend } from "./_gpu_test_utils.ts";

const split = syntheticSplit(37, 5);
const rows = [0, 36, 5, 5, 17];

Deno.test({
  name: "gatherPackedImages() returns the host bytes / 255 of the asked rows",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const packed = packImageBytes(split.images);
    const index = tf.tensor1d(rows, "int32");
    const batch = gatherPackedImages(packed, index);
    assert.deepEqual(batch.shape, [rows.length, 28, 28, 1]);
    const values = await batch.data();
    rows.forEach((row, r) => {
      for (let p = 0; p < 784; p++) {
        const expected = split.images[row * 784 + p]!;
        assert.equal(Math.round(values[r * 784 + p]! * 255), expected, `row ${row} pixel ${p}`);
        assert.ok(Math.abs(values[r * 784 + p]! - expected / 255) < 1e-6);
      }
    });
    tf.dispose([packed, index, batch]);
  },
});

Deno.test({
  name: "imagesToDevice() on webgpu gathers from a slice of a permutation as tf.gather does",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const images = imagesToDevice(split);
    const order = tf.tensor1d([3, 9, 0, 36, 12, 7, 21, 30], "int32");
    const index = order.slice(2, 4) as tf.Tensor1D;
    const batch = await images.gather(index).data();
    const expected = [0, 36, 12, 7];
    expected.forEach((row, r) => {
      for (let p = 0; p < 784; p += 13) {
        assert.equal(Math.round(batch[r * 784 + p]! * 255), split.images[row * 784 + p]!);
      }
    });
    images.dispose();
    tf.dispose([order, index]);
  },
});
