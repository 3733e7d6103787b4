/**
 * Named errors that callers (and the CLI) must be able to tell apart. Every other failure
 * uses a built-in class by meaning (`TypeError`, `RangeError`).
 *
 * The CLI maps each of these to a one-line message and exit code 2 in exactly one place
 * (`lib/cli/run_task.ts`).
 *
 * @module
 */

/** A command-line flag or value the user gave is wrong (unknown flag, bad number, …). */
export class UsageError extends Error {
  /** Creates a usage error; `message` is shown to the user as is. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/**
 * An architecture (a Keras or tfjs model file, or an `Architecture` value) is malformed or
 * outside the vocabulary; the message names the layer (index and name) and the field. A
 * usage error, so the CLI exits 2.
 */
export class ArchitectureError extends UsageError {
  /** Creates the error; `message` is one line naming the layer and the field. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ArchitectureError";
  }
}

/** A dataset file is missing, corrupt, truncated or fails its SHA-256 check. */
export class DatasetError extends Error {
  /** Creates a dataset error; the message names the file or source and what is wrong. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "DatasetError";
  }
}

/** A tfjs backend that was asked for by name cannot be used on this machine. */
export class BackendUnavailableError extends Error {
  /** Creates a backend error naming the backend and why it is unavailable. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "BackendUnavailableError";
  }
}

/** A saved model folder is missing, unreadable or not a model this library wrote. */
export class ModelFileError extends Error {
  /** Creates a model-file error naming the folder or file and what is wrong. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelFileError";
  }
}

/** Training diverged (the loss became NaN or infinite) and was stopped. */
export class TrainingDivergedError extends Error {
  /** Creates a divergence error naming the epoch and step where it happened. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TrainingDivergedError";
  }
}

/**
 * The user interrupted the task (Ctrl-C). The CLI exits 130, the shell's code for it.
 *
 * @example
 * ```ts
 * import { InterruptedError } from "./errors.ts";
 * const error = new InterruptedError("Interrupted (Ctrl-C) while loading data");
 * if (error.name !== "InterruptedError") throw new Error();
 * ```
 */
export class InterruptedError extends Error {
  /** Creates an interruption error; the message says what was stopped and what was kept. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "InterruptedError";
  }
}

/** Training was interrupted (Ctrl-C); the last completed epoch's checkpoint is kept. */
export class TrainingInterruptedError extends InterruptedError {
  /** Creates an interruption error saying where the checkpoint is and how to resume. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "TrainingInterruptedError";
  }
}

/** WebGPU reported an error (validation, out of memory, lost device); nothing was saved. */
export class GpuError extends Error {
  /** Creates a GPU error carrying WebGPU's own message and where it happened. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "GpuError";
  }
}
