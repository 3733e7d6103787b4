/**
 * The edge where an architecture is named: a registry name, a model file's contents (Keras
 * or tfjs JSON, as text or parsed), or an `Architecture` value become one checked
 * `Architecture`, which then travels; nothing below looks a name up again.
 *
 * @module
 */
import type { Architecture } from "./architecture.ts";
import { getArchitecture } from "./architectures.ts";
import { parseArchitecture } from "./arch_file/parse_architecture.ts";
import { validateArchitecture } from "./arch_file/validate_architecture.ts";

/** What callers may pass as an architecture. */
export type ArchitectureInput = string | Architecture | Record<string, unknown>;

/**
 * Resolves a registry name, a Keras / tfjs model JSON (text or object) or an `Architecture`
 * value into a checked architecture.
 *
 * @param input A name such as `cnn-deep`, JSON text starting with `{`, or an object.
 * @returns The architecture.
 * @throws {RangeError} for an unknown name.
 * @throws {ArchitectureError} for a malformed file or value (one line naming layer and field).
 *
 * @example
 * ```ts
 * import { resolveArchitecture } from "./resolve_architecture.ts";
 * import assert from "node:assert/strict";
 *
 * assert.equal(resolveArchitecture("mlp").expectedParams, 101_770);
 * const mlp = resolveArchitecture("mlp");
 * assert.equal(resolveArchitecture({ ...mlp, name: "mine" }).name, "mine");
 * ```
 */
export function resolveArchitecture(input: ArchitectureInput): Architecture {
  if (typeof input === "string") {
    return input.trimStart().startsWith("{") ? parseArchitecture(input) : getArchitecture(input);
  }
  if ("class_name" in input || "modelTopology" in input) return parseArchitecture(input);
  return validateArchitecture(input);
}
