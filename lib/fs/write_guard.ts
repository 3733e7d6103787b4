/**
 * Deno checks `--allow-write=reports` on the path as written, so a symlink `reports/x →
 * /tmp/out` would let a task write outside `reports/`. Every write of ours first resolves the
 * target's existing folders and refuses when the real location is not writable.
 *
 * @module
 */
import { dirname, resolve, sep } from "node:path";

/**
 * Refuses a write whose real location (after symlinks) is outside what the process may
 * write. Call it before creating folders or files under `path`.
 *
 * Requires `--allow-read` for the existing part of `path` (to resolve it).
 *
 * @param path The file or folder about to be written.
 * @param attempts How often to look again when a path vanishes while being resolved.
 * @returns When the write may go ahead.
 * @throws {Deno.errors.NotCapable} naming the symlink and where it leads.
 *
 * @example
 * ```ts
 * import { checkWriteTarget } from "./write_guard.ts";
 * await checkWriteTarget(`${await Deno.makeTempDir()}/new/file.txt`); // fine: a real folder
 * ```
 */
export async function checkWriteTarget(path: string, attempts = 3): Promise<void> {
  const absolute = resolve(path);
  const may = (name: "read" | "write", at: string) =>
    Deno.permissions.querySync({ name, path: at }).state === "granted";
  let existing = absolute;
  for (;;) {
    // Above every writable folder nothing can be ours: below it, folders are created fresh.
    // Without read access there is nothing to resolve; Deno's own check is all there is.
    if (!may("write", existing) || !may("read", existing)) return;
    try {
      const info = await Deno.lstat(existing);
      // The target itself may be a symlink: our writes replace it (rename), never follow it.
      if (existing !== absolute || !info.isSymlink) break;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const parent = dirname(existing);
    if (parent === existing) return;
    existing = parent;
  }
  // The writable folder the target lies in, as granted; its own real location counts as
  // inside (a `models` folder that is itself a symlink to a bigger disk is the user's choice).
  let top = existing;
  while (dirname(top) !== top && may("write", dirname(top)) && may("read", dirname(top))) {
    top = dirname(top);
  }
  let real: string;
  let realTop: string;
  try {
    [real, realTop] = await Promise.all([Deno.realPath(existing), Deno.realPath(top)]);
  } catch (error) {
    // Removed since lstat saw it (another process's lock or temporary file): look again.
    if (error instanceof Deno.errors.NotFound && attempts > 1) {
      return await checkWriteTarget(path, attempts - 1);
    }
    throw error;
  }
  const inside = real === realTop ||
    real.startsWith(realTop.endsWith(sep) ? realTop : realTop + sep);
  if (!inside && !may("write", real)) {
    throw new Deno.errors.NotCapable(
      `Refusing to write ${path}: ${existing} leads to ${real} (a symlink), outside the folders ` +
        "this task may write",
    );
  }
}
