import assert from "node:assert/strict";
import { adapterProbe, preflightEnv, vulkanIcds } from "../../lib/gpu_verify/preflight.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";

Deno.test("vulkanIcds() uses the files VK_DRIVER_FILES names and reports a bad one as it is", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/gpu.json`,
      JSON.stringify({ file_format_version: "1.0.0", ICD: { library_path: "libGPU.so.1" } }),
    );
    await Deno.writeTextFile(`${dir}/broken.json`, "{ not json");
    const icds = await vulkanIcds({ VK_DRIVER_FILES: `${dir}/gpu.json:${dir}/broken.json` });
    assert.equal(icds.usedBecause, "VK_DRIVER_FILES names them");
    assert.deepEqual(icds.used[0], { path: `${dir}/gpu.json`, library: "libGPU.so.1" });
    assert.equal(icds.used[1]!.path, `${dir}/broken.json`);
    assert.match(icds.used[1]!.error ?? "", /SyntaxError/);
    const plain = await vulkanIcds({});
    assert.equal(plain.used, plain.found);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("preflightEnv() lists every variable, null when unset", () => {
  const env = preflightEnv();
  assert.ok("LD_LIBRARY_PATH" in env && "VK_DRIVER_FILES" in env);
  for (const value of Object.values(env)) assert.ok(value === null || typeof value === "string");
});

Deno.test({
  name: "adapterProbe() describes the adapter: info fields, fallback flag, timestamp-query, limits",
  ignore: !HAS_WEBGPU,
  async fn() {
    const probe = await adapterProbe();
    assert.equal(probe.error, undefined);
    assert.equal(typeof (probe.info as Record<string, unknown>).description, "string");
    assert.equal(typeof probe.isFallbackAdapter, "boolean");
    assert.equal(probe.timestampQuery, (probe.features as string[]).includes("timestamp-query"));
    assert.ok(Number((probe.limits as Record<string, number>).maxStorageBufferBindingSize) > 0);
  },
});
