/**
 * The engine check's page, bundled for the browser (`deno bundle --platform browser`): it
 * asks the serving Deno process for steps to run (`GET /next`), runs each on this
 * browser's WebGPU with the compiled engine, and posts the outputs back (`POST /result/<id>`).
 * Console errors, uncaught errors and WebGPU errors are posted to `/log`, so the check can
 * fail on them.
 *
 * @module
 */
import { planTraining } from "../../plan.ts";
import { webgpuStep } from "../_webgpu_step.ts";
import { type BrowserJob, decodeInputs, encodeStep } from "./_wire.ts";

const log = (line: string) => fetch("/log", { method: "POST", body: line });
addEventListener("error", (e) => void log(`uncaught: ${e.message}`));
addEventListener("unhandledrejection", (e) => void log(`unhandled: ${String(e.reason)}`));
const consoleError = console.error;
console.error = (...args: unknown[]) => {
  void log(`console.error: ${args.map(String).join(" ")}`);
  consoleError(...args);
};

async function main(): Promise<void> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) {
    await log("fatal: this browser has no WebGPU adapter");
    return;
  }
  const info = adapter.info;
  await fetch("/adapter", {
    method: "POST",
    body: [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" "),
  });
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  device.addEventListener("uncapturederror", (e) => {
    void log(`webgpu: ${(e as GPUUncapturedErrorEvent).error.message}`);
  });
  while (true) {
    const job: BrowserJob | { done: true } = await (await fetch("/next")).json();
    if ("done" in job) break;
    try {
      const bytes = await (await fetch(`/inputs/${job.id}`)).arrayBuffer();
      const inputs = {
        ...decodeInputs(bytes, job),
        accBeta: job.accBeta,
        optimizer: job.optimizer,
      };
      const plan = planTraining(job.arch, job.batchSize);
      const step = await webgpuStep(
        { arch: job.arch, plan, inputs, seed: job.seed },
        device,
        job.tuning,
      );
      // The executor reads its moving statistics back with the rest (empty without a batchNorm).
      const state = step.after.state ?? new Float32Array(0);
      const body = encodeStep({ ...step, ...step.after, accBeta: step.after.accBeta, state });
      await fetch(`/result/${job.id}`, { method: "POST", body });
    } catch (error) {
      await fetch(`/error/${job.id}`, { method: "POST", body: String(error) });
    }
  }
  device.destroy();
}

main().catch((error) => log(`fatal: ${String(error)}`));
