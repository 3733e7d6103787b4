/**
 * `--arch` and `--arch-file`: where the tasks resolve an architecture, once, from a registry
 * name or a model file (Keras `to_json()` or tfjs `model.json`). What they return is the
 * `Architecture` itself; nothing below looks a name up again.
 *
 * @module
 */
import type { Architecture } from "../models/architecture.ts";
import { getArchitecture } from "../models/architectures.ts";
import { readArchitectureFile } from "../models/arch_file/read_arch_file.ts";
import { ARCHITECTURE_NAMES } from "../models/architectures.ts";
import { UsageError } from "../errors.ts";
import type { FlagSpec, ParsedFlags } from "./flag_spec.ts";
import { stringFlag } from "./flag_values.ts";
import { shown } from "./shown.ts";
import { archFlag } from "./common_flags.ts";

const FILE_HELP = "Your own architecture: a Keras to_json() file or a tfjs model.json " +
  "(28×28×1 input, softmax output; see the README)";

/** `--arch-file FILE` (one file: train). */
export const ARCH_FILE_FLAG: FlagSpec = { type: "string", value: "FILE", help: FILE_HELP };

/** `--arch-file FILE`, repeatable (compare-models, summary, bench). */
export const ARCH_FILES_FLAG: FlagSpec = {
  type: "string",
  value: "FILE",
  help: `${FILE_HELP}; repeat for several, with or without --arch`,
  multiple: true,
};

/**
 * Reads `--arch a,b,…`, checking each name. A name given twice is kept once, with a note
 * (two rows of one architecture, same seed and data, would only repeat each other).
 *
 * @param flags The parsed flags.
 * @param onNote Receives the note about repeated names.
 * @returns The names in order, each once, or `undefined` when `--arch` is absent.
 * @throws {UsageError} for an unknown name or an empty list.
 *
 * @example
 * ```ts
 * import { archListFlag } from "./arch_flags.ts";
 * if (archListFlag({ arch: "mlp,mlp" }, () => {})?.join() !== "mlp") throw new Error();
 * ```
 */
export function archListFlag(
  flags: ParsedFlags,
  onNote: (line: string) => void = () => {},
): string[] | undefined {
  const raw = stringFlag(flags, "arch");
  if (raw === undefined) return undefined;
  const names = raw.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !ARCHITECTURE_NAMES.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(
      `--arch: unknown architecture ${shown(unknown[0] ?? raw)} (known: ${
        ARCHITECTURE_NAMES.join(", ")
      })`,
    );
  }
  const unique = [...new Set(names)];
  const repeated = unique.filter((n) => names.indexOf(n) !== names.lastIndexOf(n));
  if (repeated.length > 0) {
    onNote(`Note: --arch names ${repeated.join(", ")} more than once; each is trained once`);
  }
  return unique;
}

function files(flags: ParsedFlags): string[] {
  const raw = flags["arch-file"];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  const empty = list.find((f) => f.trim() === "");
  if (empty !== undefined) throw new UsageError("--arch-file needs a file path, got an empty one");
  return list;
}

/**
 * The one architecture of `train`: `--arch NAME` or `--arch-file FILE` (not both), else the
 * default.
 *
 * Requires `--allow-read` for the file.
 *
 * @throws {UsageError} for both flags, or an unknown name.
 * @throws {ArchitectureError} for a bad file (one line naming the layer and the field).
 */
export async function architectureFromFlags(flags: ParsedFlags): Promise<Architecture> {
  const [file] = files(flags);
  if (file === undefined) return getArchitecture(archFlag(flags));
  if (flags.arch !== undefined) throw new UsageError("give --arch or --arch-file, not both");
  return await readArchitectureFile(file);
}

/**
 * The architectures of compare-models, summary and bench: the `--arch a,b` names, then each
 * `--arch-file`, in order; `fallback` names when neither flag is given.
 *
 * Requires `--allow-read` for the files.
 *
 * @throws {UsageError} for an unknown name or two architectures with one name.
 * @throws {ArchitectureError} for a bad file.
 */
export async function architecturesFromFlags(
  flags: ParsedFlags,
  fallback: readonly string[],
  onNote: (line: string) => void = () => {},
): Promise<Architecture[]> {
  const names = archListFlag(flags, onNote);
  const paths = files(flags);
  const fromFiles = [];
  for (const path of paths) fromFiles.push(await readArchitectureFile(path));
  const archs = [
    ...(names ?? (paths.length === 0 ? fallback : [])).map(getArchitecture),
    ...fromFiles,
  ];
  const seen = new Set<string>();
  for (const arch of archs) {
    if (seen.has(arch.name)) {
      throw new UsageError(
        `two architectures are named "${arch.name}" (their models and reports would share a ` +
          "folder); rename one file",
      );
    }
    seen.add(arch.name);
  }
  return archs;
}
