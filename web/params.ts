/**
 * The page's URL parameters (`?arch=&epochs=&limit=&autostart=1`), checked the way the CLI
 * checks its flags: a bad value is one line the page shows, never a silent default. Pure, so
 * Deno tests it directly.
 *
 * @module
 */
import { ARCHITECTURE_NAMES } from "../lib/models/architectures.ts";
import { defaultWebConfig } from "../lib/defaults.ts";

/** What the page starts with. */
export interface PageParams {
  arch: string;
  epochs: number;
  /** Training images used (the first `limit` of the 60,000). */
  limit: number;
  /** Train as soon as the page has loaded. */
  autostart: boolean;
}

/** The most epochs the page accepts: a browser tab is no place for a week-long run. */
export const MAX_EPOCHS = 100;
/** The fewest training images: fewer than one batch of every seed recipe says nothing. */
export const MIN_LIMIT = 128;
/** All of MNIST's training images. */
export const MAX_LIMIT = 60_000;

function intParam(query: URLSearchParams, name: string, min: number, max: number): number | null {
  const raw = query.get(name);
  if (raw === null) return null;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new RangeError(
      `?${name}= must be an integer between ${min} and ${max}, got "${raw.slice(0, 40)}"`,
    );
  }
  return Number(raw);
}

/**
 * Reads the page's parameters.
 *
 * @param search `location.search`.
 * @returns The parameters, defaults filled in.
 * @throws {RangeError} naming the first bad parameter.
 *
 * @example
 * ```ts
 * import { pageParams } from "./params.ts";
 * import assert from "node:assert/strict";
 * const p = pageParams("?arch=cnn-basic&epochs=1&limit=2000&autostart=1");
 * assert.deepEqual(p, { arch: "cnn-basic", epochs: 1, limit: 2000, autostart: true });
 * assert.throws(() => pageParams("?epochs=0"), /epochs/);
 * ```
 */
export function pageParams(search: string): PageParams {
  const query = new URLSearchParams(search);
  const web = defaultWebConfig();
  const arch = query.get("arch") ?? web.arch;
  if (!ARCHITECTURE_NAMES.includes(arch)) {
    throw new RangeError(
      `?arch= must be one of ${ARCHITECTURE_NAMES.join(", ")}, got "${arch.slice(0, 40)}"`,
    );
  }
  const autostart = query.get("autostart");
  if (autostart !== null && autostart !== "0" && autostart !== "1") {
    throw new RangeError(`?autostart= must be 0 or 1, got "${autostart.slice(0, 40)}"`);
  }
  return {
    arch,
    epochs: intParam(query, "epochs", 1, MAX_EPOCHS) ?? web.epochs,
    limit: intParam(query, "limit", MIN_LIMIT, MAX_LIMIT) ?? MAX_LIMIT,
    autostart: autostart === "1",
  };
}
