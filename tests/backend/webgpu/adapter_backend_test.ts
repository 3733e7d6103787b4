// Which wgpu backend the WebGPU tests actually ran on. CI runs the suite under
// DENO_WEBGPU_BACKEND=vulkan (lavapipe); `DENO_WEBGPU_BACKEND=gl deno task test` runs it on GL.
// Both adapters describe themselves as "llvmpipe (LLVM …)", with the same vendor and the
// fallback flag set, so the backend is told apart by what the process loaded (Mesa's
// Vulkan driver vs its EGL/DRI one) and by a feature: OpenGL ES 3 requires ETC2 texture
// compression, lavapipe does not offer it.
import assert from "node:assert/strict";
import { HAS_WEBGPU } from "./_gpu_test_utils.ts";
import { requestEngineDevice } from "../../../lib/engine/webgpu/engine_device.ts";
import { tuningOf } from "../../../lib/engine/webgpu/_tiles.ts";

const requested = Deno.env.get("DENO_WEBGPU_BACKEND");

/** This process's Linux memory map, or null where there is none. */
async function processMap(): Promise<string | null> {
  // Deno reads /proc/self only with --allow-all; a child `cat` needs just --allow-run.
  try {
    const out = await new Deno.Command("cat", { args: [`/proc/${Deno.pid}/maps`] }).output();
    return out.success ? new TextDecoder().decode(out.stdout) : null;
  } catch {
    return null;
  }
}

const LOADED: Record<string, { mustLoad: RegExp; mustNotLoad: RegExp; etc2: boolean }> = {
  vulkan: { mustLoad: /libvulkan/, mustNotLoad: /libEGL_mesa|swrast_dri/, etc2: false },
  gl: { mustLoad: /libEGL/, mustNotLoad: /libvulkan/, etc2: true },
};

Deno.test({
  name: "adapter: the WebGPU adapter runs on the wgpu backend DENO_WEBGPU_BACKEND names",
  ignore: !HAS_WEBGPU || !(requested === "vulkan" || requested === "gl"),
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const expected = LOADED[requested!]!;
    const device = await requestEngineDevice();
    const info = device.adapterInfo;
    const map = await processMap();
    if (map !== null) {
      assert.match(map, expected.mustLoad, `no ${expected.mustLoad} driver in the process`);
      assert.doesNotMatch(map, expected.mustNotLoad, `${requested} run loaded another backend`);
    }
    if (/llvmpipe/.test(info.description)) {
      const etc2 = device.features.has("texture-compression-etc2") ||
        (await navigator.gpu.requestAdapter())!.features.has("texture-compression-etc2");
      assert.equal(etc2, expected.etc2, `ETC2 support on ${requested} llvmpipe`);
    }
  },
});

Deno.test({
  name: "adapter: llvmpipe and lavapipe get the engine's software tuning",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const device = await requestEngineDevice();
    if (!/llvmpipe|lavapipe/.test(device.adapterInfo.description)) return;
    assert.equal(device.adapterInfo.isFallbackAdapter, true, "Deno flags llvmpipe as fallback");
    assert.equal(tuningOf(device), "cpu");
  },
});
