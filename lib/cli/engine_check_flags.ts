/**
 * The flags of `deno task engine-check`: which architectures, batch sizes, WebGPU tunings
 * and engines to hold against the float64 reference.
 *
 * @module
 */
import { UsageError } from "../errors.ts";
import { engineSupports } from "../engine/plan.ts";
import type { Architecture } from "../models/architecture.ts";
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import type { FlagSpec, ParsedFlags } from "./flag_spec.ts";
import { stringFlag } from "./flag_values.ts";
import { ARCH_FILES_FLAG, architecturesFromFlags } from "./arch_flags.ts";
import { JSON_FLAG } from "./common_flags.ts";

/** Largest batch the check accepts (the float64 reference takes ~10 s for cnn-deep at 1,024). */
export const MAX_CHECK_BATCH = 4096;

/**
 * The Chromium that `--browser` starts: Debian's package puts it here, and the task's
 * `--allow-run` names exactly this path.
 */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Flags of `engine-check`. */
export const ENGINE_CHECK_FLAGS: Record<string, FlagSpec> = {
  arch: { type: "string", value: "A,B", help: "Architectures (default all four)" },
  "arch-file": ARCH_FILES_FLAG,
  batch: { type: "string", value: "N,M", help: "Batch sizes (default 64)" },
  tuning: {
    type: "string",
    value: "T,U",
    help: "WebGPU kernel tunings: auto (the adapter's), gpu, cpu (default auto)",
  },
  engine: { type: "string", value: "E,F", help: "Engines: wasm, webgpu (default both present)" },
  browser: {
    type: "boolean",
    help:
      `Run the WebGPU engine in headless Chromium (${DEFAULT_CHROMIUM}: Dawn) instead of Deno's`,
  },
  "reference-cache": {
    type: "string",
    value: "DIR",
    help: "Keep the screened batches and the float64 references in DIR for the next run " +
      "(a fresh folder per matrix of runs; default none)",
  },
  json: JSON_FLAG,
};

/** The parsed request. */
export interface EngineCheckRequest {
  archs: Architecture[];
  batches: number[];
  tunings: ("auto" | "gpu" | "cpu")[];
  engines: ("wasm" | "webgpu")[];
  /** Where to keep screened batches and references between runs. */
  referenceCache?: string;
  /** The Chromium to run WebGPU in, or null for Deno's own WebGPU. */
  browser: string | null;
  json: boolean;
}

function list<T extends string>(flags: ParsedFlags, name: string, choices: readonly T[]): T[] {
  const raw = stringFlag(flags, name)!;
  const values = raw.split(",").map((s) => s.trim());
  const bad = values.find((v) => !choices.includes(v as T));
  if (bad !== undefined) {
    throw new UsageError(`--${name} takes ${choices.join(", ")} (comma-separated), got "${bad}"`);
  }
  return [...new Set(values as T[])];
}

/**
 * Reads the flags.
 *
 * @param flags Parsed flags.
 * @returns Architectures, batches, tunings, engines and output mode.
 * @throws {UsageError} for an unknown name, a bad architecture file or a batch outside
 *   1 … {@linkcode MAX_CHECK_BATCH}.
 */
export async function engineCheckRequest(flags: ParsedFlags): Promise<EngineCheckRequest> {
  const batches = (stringFlag(flags, "batch") ?? "64").split(",").map((raw) => {
    const n = Number(raw.trim());
    if (!/^\d+$/.test(raw.trim()) || n < 1 || n > MAX_CHECK_BATCH) {
      throw new UsageError(`--batch takes integers from 1 to ${MAX_CHECK_BATCH}, got "${raw}"`);
    }
    return n;
  });
  const archs = await architecturesFromFlags(flags, ARCHITECTURE_NAMES);
  for (const arch of archs) {
    const support = engineSupports(arch);
    if (!support.ok) throw new UsageError(`nothing to check: ${support.reason}`);
  }
  return {
    archs,
    batches: [...new Set(batches)],
    tunings: flags.tuning === undefined ? ["auto"] : list(flags, "tuning", ["auto", "gpu", "cpu"]),
    engines: flags.engine === undefined
      ? ["wasm", "webgpu"]
      : list(flags, "engine", ["wasm", "webgpu"]),
    browser: flags.browser === true ? DEFAULT_CHROMIUM : null,
    referenceCache: stringFlag(flags, "reference-cache"),
    json: flags.json === true,
  };
}
