/**
 * Runs one phase of the GPU verification kit: skipped when the budget cannot hold its
 * `minSeconds`, else run inside WebGPU error scopes, its WebGPU errors and exceptions
 * recorded as the phase's own (never thrown), and the backend's switches reset after it so
 * the next phase starts from the defaults.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { openErrorScopes, takeWebGpuErrors } from "../backend/webgpu/gpu_errors.ts";
import type { PhaseContext, PhaseResult, PhaseSpec } from "./types.ts";

/** What every phase of a run shares; `saveWith` writes the report with a partial phase. */
export type PhaseBase = Omit<PhaseContext, "check" | "record" | "table" | "skip" | "save"> & {
  saveWith(partial: PhaseResult): Promise<void>;
};

/** An error as the report quotes it: its class and message. */
export function message(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs `spec` with `base`, or skips it when too little of the budget is left. */
export async function runPhase(spec: PhaseSpec, base: PhaseBase): Promise<PhaseResult> {
  const result: PhaseResult = {
    id: spec.id,
    name: spec.name,
    status: "passed",
    seconds: 0,
    checks: [],
    errors: [],
    details: {},
  };
  const left = base.secondsLeft();
  if (left < spec.minSeconds) {
    result.status = "skipped";
    result.details.skipped = `${left.toFixed(0)} s left of the budget; the phase needs ` +
      `${spec.minSeconds} s`;
    return result;
  }
  const start = performance.now();
  const ctx: PhaseContext = {
    ...base,
    check: (name, ok, detail) =>
      void result.checks.push({ name, ok, ...(detail ? { detail } : {}) }),
    record: (key, value) => void (result.details[key] = value),
    table: (title, rows) => void (result.tables ??= []).push({ title, rows }),
    skip: (reason) => void (skipped = reason),
    save: () =>
      base.saveWith({ ...result, status: "running", seconds: (performance.now() - start) / 1000 }),
  };
  let skipped: string | undefined;
  takeWebGpuErrors(base.device); // errors before this phase are not its own
  const scopes = openErrorScopes(base.device);
  try {
    await spec.run(ctx);
  } catch (error) {
    result.errors.push(message(error));
  } finally {
    // Back to webgpu, whatever backend the phase switched to.
    if (tf.getBackend() !== "webgpu") await tf.setBackend("webgpu");
  }
  await scopes.close(`phase ${spec.id}`).catch((error) => result.errors.push(message(error)));
  await new Promise((resolve) => setTimeout(resolve, 0)); // let uncapturederror events in
  result.errors.push(...takeWebGpuErrors(base.device));
  result.seconds = (performance.now() - start) / 1000;
  if (result.errors.length > 0 || result.checks.some((c) => !c.ok)) result.status = "failed";
  else if (skipped !== undefined) {
    result.status = "skipped";
    result.details.skipped = skipped;
  }
  return result;
}
