/**
 * The CPU engine object over its laid-out memory: the views of parameters, slots, gradient
 * and dataset, a training step, the inference pass, the per-op profile and disposal. Every
 * call is one `step` call into the kernels (`_kernels.ts`), which runs the control block's
 * program on all threads.
 *
 * @module
 */
import type { OptimizerSpec, TrainingPlan } from "../plan.ts";
import { C, f32bits } from "./_layout.ts";
import { profileOps } from "./_control.ts";
import type { KernelExports } from "./_kernels.ts";
import { infer } from "./_infer.ts";
import type { StepLayout } from "./_program.ts";

/** A running engine; see `cpu_engine.ts`. */
export interface CpuEngine {
  readonly plan: TrainingPlan;
  readonly threads: number;
  /** `relaxed` (FMA) or `plain` SIMD build. */
  readonly simd: "relaxed" | "plain";
  /** Packed parameters (plan layout), live view of the engine's memory. */
  readonly params: Float32Array;
  /**
   * Non-trainable state (`plan.stateCount` floats, plan layout: each batchNorm layer's moving
   * mean and variance), live view of the engine's memory; starts as a fresh tfjs model's
   * (means 0, variances 1). Training steps move it, `infer` reads it.
   */
  readonly state: Float32Array;
  /** Optimizer slots: RMSprop rms, momentum; Adam m, v (unused for SGD). */
  readonly slots: readonly [Float32Array, Float32Array];
  /** The last step's summed gradient (plan layout). */
  readonly gradient: Float32Array;
  /** Dataset images (`samples × 784` bytes) and labels, and the sample order steps read. */
  readonly images: Uint8Array;
  readonly labels: Uint8Array;
  readonly order: Int32Array;
  /** Adam's β₁ᵗ, β₂ᵗ for the next step, as tfjs' float32 `accBeta1` / `accBeta2`. */
  accBeta: [number, number];
  /**
   * Runs one step on samples `order[offset … offset + n)`.
   * @param seeds One 32-bit seed per dropout layer.
   * @param update Apply the optimizer and move the batchNorm moving statistics (false: only
   *   compute `gradient`).
   */
  step(n: number, offset: number, seeds: readonly number[], update?: boolean): void;
  /**
   * The class probabilities of `count` images with the current parameters, as a tfjs
   * model's `predict` gives them: the forward pass alone in inference mode (dropout is the
   * identity, batchNorm normalises with the moving statistics of `state`), in batches of
   * `plan.batchSize` on the engine's threads. Touches no parameter,
   * slot, gradient, loss or dataset entry (it reuses the step's activation buffers).
   *
   * @param images `count × 784` bytes, pixel values 0–255 as the dataset holds them.
   * @returns `count × plan.classes` probabilities, row by row.
   * @throws {RangeError} when `images` holds fewer than `count` images.
   */
  infer(images: Uint8Array, count: number): Float32Array;
  /** Sum of per-sample losses and of correct predictions since the last call; resets them. */
  takeSums(): { loss: number; correct: number };
  /** Per-sample losses of the last step. */
  readonly losses: Float32Array;
  /**
   * Per-op CPU milliseconds (all threads of the process) of a step of `n` samples: the batch
   * gather, forward, loss, backward ops, then the reduction + optimizer phase. Each op runs
   * alone on the buffers a full step left, `repeats` times (best of); CPU time, not wall
   * clock, so that other processes on a shared machine do not count. Updates no parameters.
   * @param cpuTimeMs The process's CPU time so far, in ms (Deno: `processCpuMs`).
   */
  profile(n: number, repeats: number, cpuTimeMs: () => number): { op: string; ms: number }[];
  /** Stops the workers. */
  dispose(): void;
}

/** What {@linkcode bindEngine} binds. */
export interface EngineParts {
  memory: WebAssembly.Memory;
  layout: StepLayout;
  threads: number;
  simd: "relaxed" | "plain";
  kernels: KernelExports;
  workers: Worker[];
  optimizer: OptimizerSpec;
  /** 1: the calling thread may block at barriers; 0: it spins (a page's main thread). */
  mayWait: number;
}

/** Runs one training step (see `CpuEngine.step`); returns the next Adam accumulators. */
function step(
  parts: EngineParts,
  accBeta: [number, number],
  count: number,
  offset: number,
  seeds: readonly number[],
  update: boolean,
): [number, number] {
  const { layout, memory, optimizer: opt } = parts;
  if (!(count >= 1 && count <= layout.plan.batchSize)) {
    throw new RangeError(`Step size ${count} outside 1…${layout.plan.batchSize}`);
  }
  const i32 = new Int32Array(memory.buffer), ctl = layout.ctl / 4;
  i32[ctl + C.N] = count;
  i32[ctl + C.ORDER_OFF] = offset;
  i32[ctl + C.UPDATE] = update ? 1 : 0;
  const slots = new Uint32Array(memory.buffer, layout.seeds, Math.max(1, layout.dropouts));
  seeds.forEach((s, i) => (slots[i] = s >>> 0));
  if (opt.kind === "adam") {
    i32[ctl + C.C1] = f32bits(1 - accBeta[0]);
    i32[ctl + C.C2] = f32bits(1 - accBeta[1]);
  }
  parts.kernels.step(layout.ctl, parts.mayWait);
  // tfjs multiplies its float32 accumulators after each update.
  if (!update || opt.kind !== "adam") return accBeta;
  return [
    Math.fround(accBeta[0] * Math.fround(opt.beta1)),
    Math.fround(accBeta[1] * Math.fround(opt.beta2)),
  ];
}

/** The least CPU milliseconds (`cpuTimeMs`'s clock) of `repeats` runs of `run`. */
function bestCpuMs(run: () => void, repeats: number, cpuTimeMs: () => number): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = cpuTimeMs();
    run();
    best = Math.min(best, cpuTimeMs() - start);
  }
  return best;
}

/** The engine object over laid-out, initialised memory and started workers. */
export function bindEngine(parts: EngineParts): CpuEngine {
  const { memory, layout, optimizer: opt } = parts;
  const buf = memory.buffer;
  const i32 = new Int32Array(buf);
  const ctl = layout.ctl / 4;
  const n = layout.plan.paramCount;
  const sums = new Float64Array(buf, layout.sums, 2);
  const samples = layout.samples;
  let disposed = false;
  const live = () => {
    if (disposed) throw new Error("The CPU engine was disposed");
  };
  return {
    plan: layout.plan,
    threads: parts.threads,
    simd: parts.simd,
    params: new Float32Array(buf, layout.params, n),
    state: new Float32Array(buf, layout.state, layout.plan.stateCount),
    slots: [new Float32Array(buf, layout.slot1, n), new Float32Array(buf, layout.slot2, n)],
    gradient: new Float32Array(buf, layout.grads[0]!, n),
    images: new Uint8Array(buf, layout.images, samples * 784),
    labels: new Uint8Array(buf, layout.labels, samples),
    order: new Int32Array(buf, layout.order, samples),
    losses: new Float32Array(buf, layout.loss, layout.plan.batchSize),
    // A fresh tfjs Adam starts its accumulators at β₁, β₂.
    accBeta: opt.kind === "adam" ? [Math.fround(opt.beta1), Math.fround(opt.beta2)] : [1, 1],
    step(count, offset, seeds, update = true) {
      live();
      this.accBeta = step(parts, this.accBeta, count, offset, seeds, update);
    },
    infer(images, count) {
      live();
      return infer(parts, images, count);
    },
    profile(count, repeats, cpuTimeMs) {
      return profileOps(layout, i32, () => {
        const best = bestCpuMs(() => this.step(count, 0, [1], false), repeats, cpuTimeMs);
        this.takeSums();
        return best;
      });
    },
    takeSums() {
      const result = { loss: sums[0]!, correct: sums[1]! };
      sums.fill(0);
      return result;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      Atomics.store(i32, ctl + C.QUIT, 1);
      Atomics.add(i32, ctl + C.GEN, 1);
      Atomics.notify(i32, ctl + C.GEN);
      parts.workers.forEach((w) => w.terminate());
    },
  };
}
