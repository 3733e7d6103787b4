/**
 * Deno checks `--allow-write=reports` on the path as written, so a symlink `reports/x →
 * /tmp/out` would let a task write outside `reports/`. Every write of ours first resolves the
 * target's existing folders and refuses when the real location is not writable.
 *
 * @module
 */
import { dirname, resolve } from "node:path";

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
  let existing = absolute;
  for (;;) {
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
  let real: string;
  try {
    real = await Deno.realPath(existing);
  } catch (error) {
    // Removed since lstat saw it (another process's lock or temporary file): look again.
    if (error instanceof Deno.errors.NotFound && attempts > 1) {
      return await checkWriteTarget(path, attempts - 1);
    }
    throw error;
  }
  if (real === existing) return;
  const granted = Deno.permissions.querySync({ name: "write", path: real }).state === "granted";
  if (!granted) {
    throw new Deno.errors.NotCapable(
      `Refusing to write ${path}: ${existing} leads to ${real} (a symlink), outside the folders ` +
        "this task may write",
    );
  }
}
