/**
 * The CPU engine's compiled kernels: the relaxed-SIMD build where the runtime validates it,
 * else the plain-SIMD one (both base64 in `_wasm_binary.ts`), and what they export.
 *
 * @module
 */
import { PLAIN_WASM_BASE64, RELAXED_WASM_BASE64 } from "./_wasm_binary.ts";

/** What the kernel module exports. */
export interface KernelExports {
  __heap_base: WebAssembly.Global;
  /** Runs the control block's program (and phase B unless it is the inference program). */
  step(ctl: number, mayWait: number): void;
}

/** A compiled kernel build. */
export interface Kernels {
  bytes: Uint8Array<ArrayBuffer>;
  module: WebAssembly.Module;
  simd: "relaxed" | "plain";
  /** First byte past the module's stack and data: where the engine's layout may start. */
  heapBase: number;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64.replaceAll("\n", ""));
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function pickBuild(plain: boolean): { bytes: Uint8Array<ArrayBuffer>; simd: "relaxed" | "plain" } {
  if (!plain) {
    const bytes = decode(RELAXED_WASM_BASE64);
    if (WebAssembly.validate(bytes)) return { bytes, simd: "relaxed" };
  }
  return { bytes: decode(PLAIN_WASM_BASE64), simd: "plain" };
}

/** Compiles the build to use (`plain`: the plain-SIMD one whatever the runtime takes). */
export function loadKernels(plain: boolean): Kernels {
  const { bytes, simd } = pickBuild(plain);
  const module = new WebAssembly.Module(bytes);
  // The heap base is a constant of the module; a throwaway instance on a 2-page memory reads it.
  const probe = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const heapBase = instantiate(module, probe).__heap_base.value as number;
  return { bytes, module, simd, heapBase };
}

/** An instance of the kernels on `memory`. */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  return new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
}
