import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { countGpuCalls } from "../../lib/gpu_verify/counters.ts";
import { HAS_WEBGPU, useBackend } from "../backend/webgpu/_gpu_test_utils.ts";

Deno.test({
  name: "countGpuCalls() counts the dispatches, uniforms and readback of tfjs kernels, then stops",
  ignore: !HAS_WEBGPU,
  async fn() {
    await useBackend("webgpu");
    const device = (tf.backend() as unknown as { device: GPUDevice }).device;
    const x = tf.randomUniform([64, 64]);
    await x.data(); // x on the GPU, any pipeline compiled outside the count
    const warm = tf.tidy(() => tf.exp(tf.add(x, x)));
    await warm.data();
    warm.dispose();
    const counter = countGpuCalls(device);
    const y = tf.tidy(() => tf.exp(tf.add(x, x)));
    await y.data();
    const counts = counter.read();
    counter.stop();
    assert.equal(counts.dispatches, 2);
    assert.equal(counts.bindGroups, 2);
    assert.equal(counts.writeBuffers, 2); // one uniform buffer per tfjs program
    assert.equal(counts.pipelines, 0);
    assert.equal(counts.mapAsyncs, 1);
    assert.ok(counts.submits >= 1);
    const z = tf.tidy(() => tf.exp(x));
    await z.data();
    assert.deepEqual(counter.read(), counts, "counted after stop()");
    tf.dispose([x, y, z]);
  },
});
