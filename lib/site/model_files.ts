/**
 * The saved models as the browser app sees them: a list of the model folders under the model
 * root that hold a `model.json`, and single files read from them. Only plain names are
 * accepted (no `..`, no slash, no leading dot), and the resolved path must still lie inside the
 * model root, so neither a crafted URL nor a symbolic link reaches a file outside it.
 *
 * @module
 */
import { join, resolve, sep } from "node:path";
import { readFileCapped } from "../fs/read_capped.ts";

/** A saved model's weights are a few MB; anything far larger is not one of ours. */
const MAX_MODEL_FILE_BYTES = 256 * 1024 * 1024;

/** A folder or file name the app may ask for. */
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/** One model folder the app can load. */
export interface ModelEntry {
  /** Folder name under the model root, e.g. `cnn-deep`. */
  name: string;
  /** Architecture named in its `metadata.json`, when it has one. */
  arch?: string;
  /** Test accuracy recorded in its `metadata.json`, when it has one. */
  testAccuracy?: number;
}

/**
 * Lists the model folders under `root` that hold a `model.json`, sorted by name.
 *
 * @param root The model root (e.g. `models`); missing means no models.
 * @returns The entries.
 */
export async function listModels(root: string): Promise<ModelEntry[]> {
  const entries: ModelEntry[] = [];
  try {
    for await (const entry of Deno.readDir(root)) {
      if (!entry.isDirectory || !PLAIN_NAME.test(entry.name)) continue;
      const dir = join(root, entry.name);
      if (!(await Deno.stat(join(dir, "model.json")).then((s) => s.isFile, () => false))) continue;
      entries.push({ name: entry.name, ...(await metadataOf(dir)) });
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

async function metadataOf(dir: string): Promise<Omit<ModelEntry, "name">> {
  try {
    const meta = JSON.parse(await Deno.readTextFile(join(dir, "metadata.json")));
    const arch = typeof meta?.arch === "string" ? meta.arch : undefined;
    const acc = meta?.test?.accuracy;
    return {
      ...(arch ? { arch } : {}),
      ...(typeof acc === "number" && Number.isFinite(acc) ? { testAccuracy: acc } : {}),
    };
  } catch {
    return {}; // no metadata (or not ours): the model still loads
  }
}

/**
 * Reads `<root>/<folder>/<file>`, or returns `undefined` when the names are not plain, the path
 * leaves the root (a symbolic link), or the file is missing or not a regular file.
 *
 * @param root The model root.
 * @param folder The model folder's name.
 * @param file The file's name.
 * @returns The bytes, or `undefined` (the server answers 404).
 */
export async function readModelFile(
  root: string,
  folder: string,
  file: string,
): Promise<Uint8Array | undefined> {
  if (!PLAIN_NAME.test(folder) || !PLAIN_NAME.test(file)) return undefined;
  try {
    const base = await Deno.realPath(root);
    const path = await Deno.realPath(join(root, folder, file));
    if (!path.startsWith(base + sep)) return undefined;
    return await readFileCapped(resolve(path), MAX_MODEL_FILE_BYTES);
  } catch {
    return undefined;
  }
}
