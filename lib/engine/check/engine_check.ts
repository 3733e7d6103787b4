/**
 * The engine check: one training step of each compiled engine present (wasm, and WebGPU
 * under each tuning asked for) against the float64 reference (`lib/engine/reference/`),
 * reporting the worst relative error of every tensor. `deno task engine-check` prints it;
 * CI runs it for every architecture at batch 64 and 1024 on each WebGPU implementation it
 * can reach.
 *
 * @module
 */
import type { Architecture, OptimizerName } from "../../models/architecture.ts";
import { planTraining } from "../plan.ts";
import { referenceStep } from "../reference/reference_step.ts";
import { type Tuning, tuningOf } from "../webgpu/_tiles.ts";
import { checkInputs, kerasOptimizer } from "./_check_inputs.ts";
import type { CheckDevice } from "./_check_device.ts";
import type { EngineStep, EngineStepInput } from "./_engine_step.ts";
import { compareStep, type TensorError } from "./compare_step.ts";
import { wasmStep } from "./_wasm_step.ts";
import { webgpuStep } from "./_webgpu_step.ts";

export type { TensorError };

/** Largest relative error the check accepts (float32 against float64, one step). */
export const ENGINE_CHECK_TOLERANCE = 1e-3;

/** What to check. */
export interface EngineCheckOptions {
  arch: Architecture;
  batchSize: number;
  /** WebGPU tunings to run (`auto`: the adapter's own). @default ["auto"] */
  tunings?: (Tuning | "auto")[];
  /** Engines to run. @default both, WebGPU where `device` is given */
  engines?: ("wasm" | "webgpu")[];
  /** The WebGPU device and its adapter's description; without one WebGPU is skipped. */
  gpu?: Pick<CheckDevice, "device" | "description"> | null;
  /** @default the architecture's recipe optimizer */
  optimizer?: OptimizerName;
  /** @default 1 */
  seed?: number;
  /** WebGPU engines elsewhere (a browser), one per tuning asked for. */
  browser?: (tunings: (Tuning | "auto")[]) => Stepper[];
}

/** One engine as the check runs it: a name, and one step on the check's inputs. */
export interface Stepper {
  engine: "wasm" | "webgpu";
  tuning?: Tuning;
  /** The WebGPU implementation and adapter, for people. */
  adapter?: string;
  run(input: EngineStepInput): Promise<EngineStep>;
}

/** One engine's outcome. */
export interface EngineCheckRow {
  engine: "wasm" | "webgpu";
  /** The WebGPU tuning that ran. */
  tuning?: Tuning;
  /** The WebGPU adapter's description. */
  adapter?: string;
  tensors: TensorError[];
  worst: TensorError;
  ok: boolean;
}

/** The check's outcome for one architecture and batch size. */
export interface EngineCheckReport {
  arch: string;
  batchSize: number;
  optimizer: OptimizerName;
  tolerance: number;
  rows: EngineCheckRow[];
  /** Engines asked for but absent here, with why. */
  skipped: string[];
  ok: boolean;
}

function row(engine: EngineCheckRow["engine"], tensors: TensorError[]): EngineCheckRow {
  const worst = tensors.reduce((a, b) => (Number.isNaN(b.error) || b.error > a.error ? b : a));
  const ok = tensors.every((t) => t.error <= ENGINE_CHECK_TOLERANCE);
  return { engine, tensors, worst, ok };
}

/**
 * Runs the check.
 *
 * @param options Architecture, batch size, tunings, engines, device.
 * @returns Per engine, the worst error per tensor and whether all are within tolerance.
 * @example
 * ```ts ignore
 * const report = await runEngineCheck({ arch: getArchitecture("mlp"), batchSize: 64, engines: ["wasm"] });
 * ```
 */
export async function runEngineCheck(options: EngineCheckOptions): Promise<EngineCheckReport> {
  const { arch, batchSize } = options;
  const plan = planTraining(arch, batchSize);
  const optimizerName = options.optimizer ?? arch.recipe.optimizer;
  const inputs = checkInputs(plan, kerasOptimizer(optimizerName, arch.recipe.learningRate));
  const stepInput: EngineStepInput = { arch, plan, inputs, seed: options.seed ?? 1 };
  const engines = options.engines ?? ["wasm", "webgpu"];
  const hasDropout = plan.layers.some((l) => l.kind === "dropout" && l.rate > 0);
  // The reference drops what the engine dropped. Every WebGPU run drops alike (one hash),
  // and without dropout every engine keeps everything: one reference per distinct mask.
  const references = new Map<string, ReturnType<typeof referenceStep>>();
  const reference = (engine: string, step: EngineStep) => {
    const key = hasDropout ? engine : "all";
    let ref = references.get(key);
    if (!ref) {
      ref = referenceStep({
        plan,
        optimizer: inputs.optimizer,
        state: {
          params: Float64Array.from(inputs.params),
          slots: inputs.slots.map((s) => Float64Array.from(s)),
          accBeta: inputs.accBeta,
        },
        images: inputs.images,
        labels: inputs.labels,
        keep: step.keep,
      });
      references.set(key, ref);
    }
    return ref;
  };
  const rows: EngineCheckRow[] = [];
  const skipped: string[] = [];
  const steppers: Stepper[] = [];
  if (engines.includes("wasm")) steppers.push({ engine: "wasm", run: wasmStep });
  if (engines.includes("webgpu")) {
    const gpu = options.gpu;
    if (!gpu && !options.browser) skipped.push("webgpu: no WebGPU adapter in this runtime");
    for (const asked of gpu ? options.tunings ?? ["auto"] : []) {
      const tuning = asked === "auto" ? tuningOf(gpu!.device) : asked;
      steppers.push({
        engine: "webgpu",
        tuning,
        adapter: gpu!.description,
        run: (input) => webgpuStep(input, gpu!.device, tuning),
      });
    }
  }
  steppers.push(...options.browser?.(options.tunings ?? ["auto"]) ?? []);
  for (const stepper of steppers) {
    const step = await stepper.run(stepInput);
    const { run: _, ...labels } = stepper;
    rows.push({
      ...row(stepper.engine, compareStep(plan, inputs, step, reference(stepper.engine, step))),
      ...labels,
    });
  }
  return {
    arch: arch.name,
    batchSize,
    optimizer: optimizerName,
    tolerance: ENGINE_CHECK_TOLERANCE,
    rows,
    skipped,
    ok: rows.length > 0 && rows.every((r) => r.ok),
  };
}
