import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { ensureBackend, selectBackend } from "../../lib/backend/select_backend.ts";
import { trainCnn } from "../../lib/train/train_cnn.ts";
import { syntheticMnist } from "../_synthetic.ts";

Deno.test("selectBackend() installs the wasm training kernels per session and uninstalls them", async () => {
  await selectBackend("wasm");
  assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"), "fast: the missing kernel is added");
  await selectBackend("wasm", { kernels: "stock" });
  assert.equal(tf.getKernel("Conv2DBackpropFilter", "wasm"), undefined, "stock: tfjs's own set");
  await selectBackend("cpu");
  await selectBackend("wasm");
  assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"), "a second session installs it again");
});

Deno.test("ensureBackend() keeps the active backend unless one is requested", async () => {
  await selectBackend("cpu");
  assert.equal(await ensureBackend(), undefined);
  assert.equal(tf.getBackend(), "cpu");
  assert.equal((await ensureBackend("wasm"))?.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("trainCnn({ backend }) makes that backend active even when another one is", async () => {
  await selectBackend("cpu");
  const data = syntheticMnist(32, 10);
  const result = await trainCnn({ arch: "mlp", backend: "wasm", data, epochs: 1, seed: 1 });
  assert.equal(result.backend, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  result.model.dispose();
});
