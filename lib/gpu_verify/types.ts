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
  status: "passed" | "failed" | "skipped";
  seconds: number;
  checks: Check[];
  /** WebGPU errors and exceptions raised during the phase. */
  errors: string[];
  /** Measurements (plans, counters, timings), phase-specific. */
  details: Record<string, unknown>;
}

/** The whole report, rewritten after every phase. */
export interface GpuVerifyReport {
  /** ISO date of the start. */
  started: string;
  quick: boolean;
  /** Adapter description, `isFallbackAdapter` and the limits that matter. */
  adapter: Record<string, unknown>;
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
  /** Records a check; a failed one fails the phase (the phase goes on). */
  check(name: string, ok: boolean, detail?: string): void;
  /** Stores a measurement under `key` in the phase's details. */
  record(key: string, value: unknown): void;
  /** A progress line (printed by the task). */
  log(line: string): void;
  /** Seconds left of the run's time budget. */
  secondsLeft(): number;
  /** MNIST (synthetic when quick), loaded once per run. */
  mnist(): Promise<MnistData>;
}

/** A phase: its number, name and body. */
export interface PhaseSpec {
  id: number;
  name: string;
  run(ctx: PhaseContext): Promise<void>;
}
