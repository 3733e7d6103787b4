/**
 * The folder a reader should read. A save killed between its two renames leaves the model
 * folder missing and its previous contents, complete, set aside beside it; a reader used to
 * say "No saved model" until the next writer came. Now it puts them back itself when it may
 * (it can write there and no live writer holds the lock), and otherwise reads them where
 * they lie.
 *
 * @module
 */
import { dirname, resolve } from "node:path";
import { interruptedSwap } from "../fs/replace_dir.ts";
import { lockModelDir } from "./model_lock.ts";

/**
 * Returns `dir`, or the set-aside previous save when a killed swap left `dir` missing.
 *
 * Requires `--allow-read` for the folder's parent; with `--allow-write` there, the previous
 * save is put back in place.
 *
 * @example
 * ```ts
 * import { savedDir } from "./_saved_dir.ts";
 * const dir = `${await Deno.makeTempDir()}/mlp`;
 * if (await savedDir(dir) !== dir) throw new Error();
 * ```
 */
export async function savedDir(dir: string): Promise<string> {
  const aside = await interruptedSwap(dir);
  if (aside === undefined) return dir;
  const parent = dirname(resolve(dir));
  if (Deno.permissions.querySync({ name: "write", path: parent }).state === "granted") {
    try {
      // Taking the lock finishes the killed swap; a live writer's lock means it is mid-swap.
      await (await lockModelDir(dir)).release();
      return dir;
    } catch { /* held by a writer, or not ours to fix: read the previous save where it is */ }
  }
  return (await interruptedSwap(dir)) ?? dir;
}
