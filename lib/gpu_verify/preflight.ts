/**
 * The preflight of a GPU run, written before any phase: the Vulkan ICD files on the machine
 * and the one the loader is told to use, the `LD_*` and Vulkan variables, and the adapter
 * WebGPU returns (every `GPUAdapterInfo` field, `isFallbackAdapter`, features with
 * `timestamp-query`, key limits). When a run finds no GPU, this says why before anything
 * else runs. `bench/gpu/pack.sh`'s `run.sh` adds `nvidia-smi -L` from the shell.
 *
 * @module
 */

/** Where Vulkan loaders look for ICD files (the NVIDIA driver's own folder first). */
export const ICD_DIRS: readonly string[] = [
  "/usr/local/nvidia/share/vulkan/icd.d",
  "/etc/vulkan/icd.d",
  "/usr/local/share/vulkan/icd.d",
  "/usr/share/vulkan/icd.d",
];

/** The variables that decide which driver and backend a WebGPU run gets. */
export const PREFLIGHT_ENV: readonly string[] = [
  "LD_LIBRARY_PATH",
  "LD_PRELOAD",
  "VK_DRIVER_FILES",
  "VK_ICD_FILENAMES",
  "DENO_WEBGPU_BACKEND",
  "__EGL_VENDOR_LIBRARY_FILENAMES",
  "NVIDIA_VISIBLE_DEVICES",
  "CUDA_VISIBLE_DEVICES",
];

const LIMITS = [
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupsPerDimension",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupStorageSize",
  "maxStorageBuffersPerShaderStage",
] as const;

const INFO_FIELDS = [
  "vendor",
  "architecture",
  "device",
  "description",
  "subgroupMinSize",
  "subgroupMaxSize",
  "isFallbackAdapter",
] as const;

/**
 * Adapters this process has returned. Deno 2.9.6 aborts the process when `adapterInfo` is
 * read after its `GPUAdapter` was garbage-collected, so the run keeps each one referenced.
 */
export const KEPT_ADAPTERS: GPUAdapter[] = [];

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The value of each variable, `null` when unset, or why it could not be read. */
export function preflightEnv(): Record<string, string | null> {
  const env: Record<string, string | null> = {};
  for (const name of PREFLIGHT_ENV) {
    try {
      env[name] = Deno.env.get(name) ?? null;
    } catch (error) {
      env[name] = `(not readable: ${errorText(error)})`;
    }
  }
  return env;
}

/** One ICD file: its path and the driver library it names (or why it could not be read). */
export interface IcdFile {
  path: string;
  library?: string;
  error?: string;
}

async function readIcd(path: string): Promise<IcdFile> {
  try {
    const json = JSON.parse(await Deno.readTextFile(path)) as { ICD?: { library_path?: unknown } };
    const library = json.ICD?.library_path;
    return typeof library === "string" ? { path, library } : { path, error: "no ICD.library_path" };
  } catch (error) {
    return { path, error: errorText(error).slice(0, 200) };
  }
}

/**
 * The Vulkan ICD files found and the one in use: those named by `VK_DRIVER_FILES` /
 * `VK_ICD_FILENAMES` when set (the loader then reads only them), else every file found.
 *
 * @param env The variables from {@linkcode preflightEnv}.
 * @returns The files found, folder by folder, and the ones the loader will use.
 */
export async function vulkanIcds(
  env: Record<string, string | null>,
): Promise<{ found: IcdFile[]; used: IcdFile[]; usedBecause: string; unreadable: string[] }> {
  const found: IcdFile[] = [];
  const unreadable: string[] = [];
  for (const dir of ICD_DIRS) {
    try {
      const names = [];
      for await (const entry of Deno.readDir(dir)) names.push(entry.name);
      for (const name of names.filter((n) => n.endsWith(".json")).sort()) {
        found.push(await readIcd(`${dir}/${name}`));
      }
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) unreadable.push(`${dir}: ${errorText(error)}`);
    }
  }
  const named = env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES;
  if (named && !named.startsWith("(")) {
    const used = await Promise.all(named.split(":").filter(Boolean).map(readIcd));
    const variable = env.VK_DRIVER_FILES ? "VK_DRIVER_FILES" : "VK_ICD_FILENAMES";
    return { found, used, usedBecause: `${variable} names them`, unreadable };
  }
  return { found, used: found, usedBecause: "no VK_DRIVER_FILES: every ICD found", unreadable };
}

/**
 * The adapter `navigator.gpu.requestAdapter()` returns, described in full (kept referenced,
 * see {@linkcode KEPT_ADAPTERS}).
 *
 * @returns Its info fields, features, `timestamp-query`, key limits; or why there is none.
 */
export async function adapterProbe(): Promise<Record<string, unknown>> {
  if (typeof navigator === "undefined" || !("gpu" in navigator)) {
    return { error: "this runtime has no navigator.gpu" };
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter();
  } catch (error) {
    return { error: `requestAdapter() threw ${errorText(error)}` };
  }
  if (!adapter) return { error: "requestAdapter() returned null (no WebGPU adapter)" };
  KEPT_ADAPTERS.push(adapter);
  const info: Record<string, unknown> = {};
  const source = adapter.info as unknown as Record<string, unknown>;
  for (const field of INFO_FIELDS) if (source[field] !== undefined) info[field] = source[field];
  const legacy = (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const limits: Record<string, number> = {};
  for (const name of LIMITS) limits[name] = adapter.limits[name];
  const features = [...adapter.features].sort();
  return {
    info,
    isFallbackAdapter: info.isFallbackAdapter ?? legacy ?? null,
    features,
    timestampQuery: features.includes("timestamp-query"),
    limits,
  };
}

/**
 * Everything the preflight records.
 *
 * Requires `--allow-env` for {@linkcode PREFLIGHT_ENV} and `--allow-read` for
 * {@linkcode ICD_DIRS} (a refusal is recorded, not thrown).
 *
 * @returns Variables, ICD files, the adapter, the Deno version.
 * @example
 * ```ts ignore
 * console.log(JSON.stringify(await preflight(), null, 1));
 * ```
 */
export async function preflight(): Promise<Record<string, unknown>> {
  const env = preflightEnv();
  return {
    deno: Deno.version.deno,
    env,
    vulkanIcds: await vulkanIcds(env),
    adapter: await adapterProbe(),
  };
}
