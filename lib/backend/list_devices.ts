/**
 * What this machine offers for training: the WebGPU adapter (name, vendor, fallback flag,
 * key limits) and which tfjs backends initialise — the TypeScript twin of seed 004's GPU
 * listing.
 *
 * @module
 */
import { probeWebGpu } from "./select_backend.ts";
import type { WasmInfo } from "./wasm/init_wasm.ts";
import type { EngineVerdict } from "../engine/engine_verdict.ts";

/** The WebGPU adapter as `deno task devices` shows it. */
export interface WebGpuAdapterReport {
  /** Adapter description, e.g. `NVIDIA H100 80GB HBM3` or `llvmpipe (LLVM 15…)`. */
  description: string;
  /** Vendor id or name. */
  vendor: string;
  /** Architecture string, if reported. */
  architecture: string;
  /** True for a software adapter (auto never trains on it). */
  isFallbackAdapter: boolean;
  /** Key limits for compute kernels. */
  limits: Record<string, number>;
}

/** Everything `deno task devices` prints. */
export interface DeviceReport {
  /** The adapter, or why there is none. */
  webgpu: WebGpuAdapterReport | { missing: string };
  /** The wasm flavour, or why wasm failed. */
  wasm: WasmInfo | { missing: string };
  /** The backend `auto` would pick, and why. */
  auto: string;
  /** The compiled WebGPU engine's self-check verdict on this adapter, or why there is none. */
  engine: EngineVerdict | { missing: string };
}

/** Options of {@linkcode listDevices}. */
export interface ListDevicesOptions {
  /** The engine's verdict cache (read and updated when permitted), e.g. `data/engine-verdicts.json`. */
  verdictFile?: string;
}

const LIMITS = [
  "maxComputeWorkgroupSizeX",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupStorageSize",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
] as const;

/**
 * Probes WebGPU and wasm without activating a backend for training, and gives the compiled
 * engine's verdict for the adapter (cached, or measured now by its ~1 s self-check).
 *
 * @param options Where verdicts are cached.
 * @returns The report `deno task devices` prints.
 * @example
 * ```ts ignore
 * const report = await listDevices({ verdictFile: "data/engine-verdicts.json" });
 * ```
 */
export async function listDevices(options: ListDevicesOptions = {}): Promise<DeviceReport> {
  const gpu = await probeWebGpu();
  const webgpu = "missing" in gpu ? gpu : {
    description: gpu.description,
    vendor: gpu.adapter.info.vendor,
    architecture: gpu.adapter.info.architecture,
    isFallbackAdapter: gpu.fallback,
    limits: Object.fromEntries(LIMITS.map((k) => [k, gpu.adapter.limits[k]])),
  };
  let wasm: WasmInfo | { missing: string };
  try {
    // Loaded here, not at import: the wasm package registers its backend when imported.
    const { getWasmInfo, initWasmBackend } = await import("./wasm/init_wasm.ts");
    wasm = getWasmInfo() ?? await initWasmBackend();
  } catch (error) {
    wasm = { missing: error instanceof Error ? error.message : String(error) };
  }
  const auto = "missing" in webgpu || webgpu.isFallbackAdapter
    ? ("missing" in wasm ? "cpu" : `wasm (${wasm.flavour})`)
    : `webgpu (${webgpu.description})`;
  let engine: EngineVerdict | { missing: string } = { missing: "no WebGPU adapter" };
  if (!("missing" in webgpu)) {
    const { engineVerdict } = await import("../engine/engine_verdict.ts");
    engine = await engineVerdict({ verdictFile: options.verdictFile });
  }
  return { webgpu, wasm, auto, engine };
}
