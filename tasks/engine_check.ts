/**
 * `deno task engine-check [--arch A] [--batch N] [--tuning auto|gpu|cpu] [--engine E] [--browser] [--json]`:
 * one training step of each compiled engine present against the float64 reference; prints
 * the worst relative error per tensor and exits 1 when any is above 1e-3.
 *
 * @example
 * ```sh
 * deno task engine-check --arch cnn-deep --batch 64,1024 --tuning gpu,cpu
 * ```
 * @module
 */
import { runTask } from "../lib/cli/run_task.ts";
import { ENGINE_CHECK_FLAGS, engineCheckRequest } from "../lib/cli/engine_check_flags.ts";
import { checkDevice } from "../lib/engine/check/_check_device.ts";
import { type EngineCheckReport, runEngineCheck } from "../lib/engine/check/engine_check.ts";
import { renderEngineCheck } from "../lib/engine/check/render_engine_check.ts";
import { openBrowser } from "../lib/engine/check/browser/browser_steppers.ts";
import { defaultTrainConfig } from "../lib/defaults.ts";
import { dirReferenceCache } from "../lib/engine/check/reference_dir_cache.ts";
import { defaultCpuThreads } from "../lib/engine/wasm/cpu_host.ts";

const spec = {
  name: "engine-check",
  summary:
    "Check one step of each compiled engine against a float64 reference (exit 1 above 1e-3).",
  flags: ENGINE_CHECK_FLAGS,
};

await runTask(spec, async (flags) => {
  const request = await engineCheckRequest(flags);
  const webgpu = request.engines.includes("webgpu");
  const browser = webgpu && request.browser
    ? await openBrowser(request.browser, defaultTrainConfig().browserCheckDir)
    : null;
  const gpu = webgpu && !browser ? await checkDevice() : null;
  const reports: EngineCheckReport[] = [];
  try {
    for (const arch of request.archs) {
      for (const batchSize of request.batches) {
        const report = await runEngineCheck({
          arch,
          batchSize,
          tunings: request.tunings,
          engines: request.engines,
          gpu,
          browser: browser?.steppers,
          referenceCache: request.referenceCache === undefined
            ? undefined
            : dirReferenceCache(request.referenceCache),
          wasmThreads: defaultCpuThreads(),
        });
        if (!request.json) console.log(renderEngineCheck([report]) + "\n");
        reports.push(report);
      }
    }
  } finally {
    await browser?.close();
    // Let the device finish before it is destroyed (its buffers are already gone).
    await gpu?.device.queue.onSubmittedWorkDone();
    gpu?.device.destroy();
  }
  if (request.json) console.log(JSON.stringify(reports, null, 2));
  for (const line of browser?.errors ?? []) console.error(`browser: ${line}`);
  if (!reports.every((r) => r.ok) || (browser?.errors.length ?? 0) > 0) Deno.exitCode = 1;
});
