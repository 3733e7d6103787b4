/**
 * `deno task devices`: the WebGPU adapter and the tfjs backends this machine can use.
 *
 * @example
 * ```sh
 * deno task devices
 * ```
 * @module
 */
import { listDevices } from "../lib/backend/list_devices.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { JSON_FLAG } from "../lib/cli/common_flags.ts";
import { defaultTrainConfig } from "../lib/defaults.ts";

const spec = {
  name: "devices",
  summary: "List the WebGPU adapter and the tfjs backends (webgpu, wasm, cpu) available here.",
  flags: { json: JSON_FLAG },
};

await runTask(spec, async (flags) => {
  const report = await listDevices({ verdictFile: defaultTrainConfig().engineVerdictFile });
  if (flags.json) return console.log(JSON.stringify(report, null, 2));
  const gpu = report.webgpu;
  if ("missing" in gpu) console.log(`WebGPU: none (${gpu.missing})`);
  else {
    console.log(`WebGPU adapter: ${gpu.description}`);
    console.log(`  vendor ${gpu.vendor || "?"}, architecture ${gpu.architecture || "?"}`);
    console.log(`  fallback (software) adapter: ${gpu.isFallbackAdapter ? "yes" : "no"}`);
    for (const [k, v] of Object.entries(gpu.limits)) {
      console.log(`  ${k}: ${v.toLocaleString("en-US")}`);
    }
  }
  const wasm = report.wasm;
  console.log(
    "missing" in wasm
      ? `wasm: unavailable (${wasm.missing})`
      : `wasm: ${wasm.flavour}, ${wasm.threads} thread(s)`,
  );
  console.log("cpu: always available (plain JavaScript)");
  console.log(`auto picks: ${report.auto}`);
  const engine = report.engine;
  if ("missing" in engine) console.log(`compiled engine (WebGPU): unavailable (${engine.missing})`);
  else {
    const how = `${engine.cached ? "cached" : "checked now"}, ${engine.checkedAt.slice(0, 10)}`;
    console.log(
      engine.ok
        ? `compiled engine (WebGPU): self-check passed (max relative error ${
          engine.maxRelativeError?.toExponential(1)
        }; ${how})`
        : `compiled engine (WebGPU): off, ${engine.reason} (${how})`,
    );
  }
});
