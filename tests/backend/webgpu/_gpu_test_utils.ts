/**
 * Shared pieces of the WebGPU tests: the adapter gate and switching tfjs' backend.
 *
 * @module
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";

/** True when this runtime has a WebGPU adapter (llvmpipe counts); tests skip without one. */
export const HAS_WEBGPU: boolean = typeof navigator !== "undefined" && "gpu" in navigator &&
  (await navigator.gpu.requestAdapter()) !== null;

/** Activates a backend for a test (and silences tfjs' Node banner on `cpu`). */
export async function useBackend(name: "cpu" | "webgpu"): Promise<void> {
  assert.ok(await tf.setBackend(name), `backend ${name} did not initialise`);
  await tf.ready();
  if (name === "cpu") (tf.backend() as unknown as { firstUse: boolean }).firstUse = false;
}
