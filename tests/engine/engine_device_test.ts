import assert from "node:assert/strict";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { useCpu } from "../_synthetic.ts";
import { engineDevice } from "../../lib/engine/webgpu/engine_device.ts";

const gpuTest = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name, ignore: !HAS_WEBGPU, sanitizeResources: false, sanitizeOps: false, fn });

// Deno aborts the process when `device.adapterInfo` is first read after the adapter was
// garbage-collected, so this runs in a child with `gc()` exposed.
const CHILD = `
import { requestEngineDevice } from ${
  JSON.stringify(import.meta.resolve("../../lib/engine/webgpu/engine_device.ts"))
};
const device = await requestEngineDevice();
for (let i = 0; i < 3; i++) {
  await new Promise((resolve) => setTimeout(resolve, 10));
  globalThis.gc();
}
console.log(device.adapterInfo.description);
`;

gpuTest("requestEngineDevice: adapterInfo reads after its adapter is collected", async () => {
  const child = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", "--ext=ts", CHILD],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(child.stderr);
  assert.equal(child.code, 0, stderr.split("\n").filter((l) => !/XDG_RUNTIME/.test(l)).join(" "));
  assert.ok(new TextDecoder().decode(child.stdout).trim().length > 0, "a description");
});

gpuTest("engineDevice: one device per process when tfjs is not on webgpu", async () => {
  await useCpu();
  const first = await engineDevice();
  assert.equal(await engineDevice(), first);
  const given = {} as GPUDevice;
  assert.equal(await engineDevice(given), given);
});

gpuTest("engineDevice: a lost shared device is replaced by a new one", async () => {
  await useCpu();
  const first = await engineDevice();
  first.destroy();
  assert.equal((await first.lost).reason, "destroyed");
  const second = await engineDevice();
  assert.notEqual(second, first);
  assert.equal(await engineDevice(), second);
});
