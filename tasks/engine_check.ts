/**
 * `deno task engine-check [--arch A] [--batch N] [--tuning auto|gpu|cpu] [--engine E] [--json]`:
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

const spec = {
  name: "engine-check",
  summary:
    "Check one step of each compiled engine against a float64 reference (exit 1 above 1e-3).",
  flags: ENGINE_CHECK_FLAGS,
};

await runTask(spec, async (flags) => {
  const request = engineCheckRequest(flags);
  const gpu = request.engines.includes("webgpu") ? await checkDevice() : null;
  const reports: EngineCheckReport[] = [];
  for (const arch of request.archs) {
    for (const batchSize of request.batches) {
      const report = await runEngineCheck({
        arch,
        batchSize,
        tunings: request.tunings,
        engines: request.engines,
        gpu,
      });
      if (!request.json) console.log(renderEngineCheck([report]) + "\n");
      reports.push(report);
    }
  }
  if (request.json) console.log(JSON.stringify(reports, null, 2));
  if (!reports.every((r) => r.ok)) Deno.exitCode = 1;
  // Finish the device's work before exit (wgpu's GL backend can crash tearing down busy).
  await gpu?.device.queue.onSubmittedWorkDone();
  gpu?.device.destroy();
});
