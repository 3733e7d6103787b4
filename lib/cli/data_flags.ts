/**
 * The `--data-dir` flag, in a module that loads no tfjs code (the `data` task uses it).
 *
 * @module
 */
import { type FlagSpec, type ParsedFlags, stringFlag } from "./args.ts";

/** `--data-dir DIR`. */
export const DATA_DIR_FLAG: FlagSpec = {
  type: "string",
  value: "DIR",
  help: "MNIST cache folder (default $MNIST_GPU_DATA or data/mnist)",
};

/** Reads `--data-dir`, falling back to `$MNIST_GPU_DATA`, then `data/mnist`. */
export function dataDirFlag(flags: ParsedFlags): string {
  return stringFlag(flags, "data-dir") ?? Deno.env.get("MNIST_GPU_DATA") ?? "data/mnist";
}
