/**
 * Flags several tasks share, defined once so their names, help and parsing agree.
 *
 * @module
 */
import { BACKEND_REQUESTS, type BackendRequest } from "../backend/select_backend.ts";
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import { wasmThreadsFromEnv } from "../backend/wasm/threads_env.ts";
import type { FlagSpec, ParsedFlags } from "./flag_spec.ts";
import { choiceFlag, stringFlag } from "./flag_values.ts";
import { UsageError } from "../errors.ts";
import { defaultTrainConfig } from "../defaults.ts";

// The data-dir flag lives apart so that `deno task data` need not load tfjs to read it.
export { DATA_DIR_FLAG, dataDirFlag } from "./data_flags.ts";

/** `--backend auto|webgpu|wasm|cpu`. */
export const BACKEND_FLAG: FlagSpec = {
  type: "string",
  value: "NAME",
  help: `tfjs backend: ${BACKEND_REQUESTS.join(", ")} (default auto: a real GPU, else wasm)`,
};
/** `--json`. */
export const JSON_FLAG: FlagSpec = {
  type: "boolean",
  help: "Print one JSON document on stdout and nothing else there",
};
/** `--quiet`. */
export const QUIET_FLAG: FlagSpec = { type: "boolean", short: "q", help: "No progress output" };
/** `--model DIR`. */
export const MODEL_FLAG: FlagSpec = {
  type: "string",
  value: "DIR",
  help: "Saved model folder (model.json, weights.bin, metadata.json)",
};

/**
 * Reads `--backend` (default `auto`) and checks `MNIST_WASM_THREADS`, which `auto` and
 * `wasm` read: a bad value must stop the task here, before `auto` could quietly pick `cpu`.
 *
 * @throws {UsageError} for an unknown backend or a bad `MNIST_WASM_THREADS`.
 */
export function backendFlag(flags: ParsedFlags): BackendRequest {
  const request = choiceFlag(flags, "backend", BACKEND_REQUESTS) ?? "auto";
  if (request === "auto" || request === "wasm") wasmThreadsFromEnv();
  return request;
}

/** Reads a required `--model DIR`. */
export function modelFlag(flags: ParsedFlags): string {
  const dir = stringFlag(flags, "model");
  if (!dir) throw new UsageError("--model DIR is required (e.g. --model models/cnn-deep)");
  return dir;
}

/** Reads `--arch` (one name) with a default. */
export function archFlag(flags: ParsedFlags, fallback = defaultTrainConfig().arch): string {
  return choiceFlag(flags, "arch", ARCHITECTURE_NAMES) ?? fallback;
}

/** Writes text to stdout, or to stderr when stdout is reserved for `--json`. */
export function humanSink(json: boolean): { write(text: string): void; live: boolean } {
  const stream = json ? Deno.stderr : Deno.stdout;
  const encoder = new TextEncoder();
  return {
    write: (text) => void stream.writeSync(encoder.encode(text)),
    live: stream.isTerminal(),
  };
}
