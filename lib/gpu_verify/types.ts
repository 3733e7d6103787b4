/**
 * The shapes of a GPU verification run: phases, their checks and the report written after
 * each phase.
 *
 * @module
 */
import type { MnistData } from "../data/types.ts";

/** One pass/fail check inside a phase. */
export interface Check {
  /** What was checked, e.g. `Conv2D cnn-deep/conv2 b64 fast(gpu) vs cpu`. */
  name: string;
  ok: boolean;
  /** Measured value or reason, e.g. `relative error 3.1e-7`. */
  detail?: string;
}

/** Outcome of one phase. */
export interface PhaseResult {
  id: number;
  name: string;
  /** `running`: a phase saved part-way (see {@linkcode PhaseContext.save}). */
  status: "passed" | "failed" | "skipped" | "running";
  seconds: number;
  checks: Check[];
  /** WebGPU errors and exceptions raised during the phase. */
  errors: string[];
  /** Measurements (plans, counters, timings), phase-specific. */
  details: Record<string, unknown>;
  /** Measurements that read best as tables (speed, ratios), shown as such in the Markdown. */
  tables?: Table[];
}

/** A table of a phase: one object per row, the columns in the first row's key order. */
export interface Table {
  title: string;
  rows: Record<string, string | number | null>[];
}

/** The whole report, rewritten after every phase. */
export interface GpuVerifyReport {
  /** ISO date of the start. */
  started: string;
  quick: boolean;
  /** Adapter description, `isFallbackAdapter` and the limits that matter. */
  adapter: Record<string, unknown>;
  /**
   * What the machine offers before any phase runs: Vulkan ICD files, `LD_*` and Vulkan
   * variables, the adapter WebGPU returns (see `preflight.ts`).
   */
  preflight?: Record<string, unknown>;
  /** The run's time budget and the reserve kept at its end, in seconds. */
  budget?: { seconds: number; reserveSeconds: number };
  phases: PhaseResult[];
  /** True once every requested phase has run. */
  finished: boolean;
  /** True when no phase failed. */
  ok: boolean;
}

/** What a phase can use and report through. */
export interface PhaseContext {
  /** Small sizes for a software adapter (llvmpipe), as CI runs it. */
  readonly quick: boolean;
  /** The webgpu backend's device. */
  readonly device: GPUDevice;
  /**
   * Where the compiled engine's self-check verdicts are cached (in the report folder, so a
   * run checks each adapter once and brings the verdict back).
   */
  readonly verdictFile: string;
  /** Records a check; a failed one fails the phase (the phase goes on). */
  check(name: string, ok: boolean, detail?: string): void;
  /** Stores a measurement under `key` in the phase's details. */
  record(key: string, value: unknown): void;
  /** Adds a table (the Markdown shows it as one; the JSON keeps the rows). */
  table(title: string, rows: Table["rows"]): void;
  /** Marks the phase skipped, with why (unless a check failed): nothing here to measure. */
  skip(reason: string): void;
  /**
   * Writes the report now, this phase in it as `running` with what it has so far (a long
   * phase calls it after each cell, so a run cut mid-phase keeps the cells done).
   */
  save(): Promise<void>;
  /** A progress line (printed by the task). */
  log(line: string): void;
  /** Seconds left of the run's time budget, its end reserve already taken off. */
  secondsLeft(): number;
  /** The phases finished so far in this run (a later phase reads an earlier one's figures). */
  earlier(): readonly PhaseResult[];
  /** MNIST (synthetic when quick), loaded once per run. */
  mnist(): Promise<MnistData>;
}

/** A phase: its number, name and body. */
export interface PhaseSpec {
  id: number;
  name: string;
  /**
   * Seconds the phase needs to be worth starting: with
   * less left of the budget it is skipped, so a run cut by its time limit ends cleanly.
   */
  minSeconds: number;
  run(ctx: PhaseContext): Promise<void>;
}
