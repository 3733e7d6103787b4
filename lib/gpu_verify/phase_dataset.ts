/**
 * Phase 6: the whole training split on the device, as training binds it (bytes, four to a
 * word), with rows 0, 31337 and 59999 gathered back and compared with the host bytes.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { imagesToDevice } from "../train/device_images.ts";
import type { PhaseContext } from "./types.ts";

/**
 * Phase 6 body.
 *
 * @param ctx Where the phase records its checks and measurements.
 * @returns When the phase is done (failed checks are recorded, not thrown).
 */
export async function datasetPhase(ctx: PhaseContext): Promise<void> {
  const { train } = await ctx.mnist();
  const rows = ctx.quick ? [0, 1337, train.count - 1] : [0, 31337, 59999];
  const limit = ctx.device.limits.maxStorageBufferBindingSize;
  ctx.record("training images", {
    count: train.count,
    float32Bytes: train.count * 784 * 4,
    packedBytes: train.count * 784,
    maxStorageBufferBindingSize: limit,
  });
  const images = imagesToDevice(train);
  try {
    const index = tf.tensor1d(rows, "int32");
    const batch = images.gather(index);
    const values = await batch.data();
    tf.dispose([index, batch]);
    rows.forEach((row, r) => {
      let wrong = 0;
      let worst = 0;
      for (let p = 0; p < 784; p++) {
        const expected = train.images[row * 784 + p]!;
        const got = values[r * 784 + p]!;
        if (Math.round(got * 255) !== expected) wrong++;
        worst = Math.max(worst, Math.abs(got - expected / 255));
      }
      ctx.check(
        `row ${row} gathered from the device equals the host bytes / 255`,
        wrong === 0 && worst <= 1e-6,
        `${wrong} of 784 pixels differ, max error ${worst.toExponential(1)}`,
      );
    });
  } finally {
    images.dispose();
  }
}
