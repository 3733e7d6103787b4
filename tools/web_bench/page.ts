/**
 * The browser side of `tools/web_bench.ts`, bundled for the browser: measures cnn-deep under
 * both tunings on this page's WebGPU and posts the rows (or the error) to `/done`.
 *
 * @module
 */
import { benchCnnDeep } from "./bench_body.ts";
import type { Tuning } from "../../lib/engine/webgpu/_tiles.ts";

const query = new URLSearchParams(location.search);
const steps = Number(query.get("steps") ?? "10");
const tunings = (query.get("tunings") ?? "cpu,gpu").split(",") as Tuning[];
try {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) throw new Error("no WebGPU adapter");
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const info = adapter.info;
  const rows = await benchCnnDeep(device, tunings, steps);
  const body = { adapter: `${info.vendor} ${info.architecture}`.trim(), rows };
  await fetch("/done", { method: "POST", body: JSON.stringify(body) });
} catch (error) {
  await fetch("/done", { method: "POST", body: JSON.stringify({ error: String(error) }) });
}
