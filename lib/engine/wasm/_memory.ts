/**
 * The CPU engine's memory bound: its kernels are linked with a 2 GiB memory maximum
 * (`--max-memory` in `_build.ts`), and the layout of a step (`_program.ts`) says to the
 * byte what a batch needs, so a batch that does not fit is refused before any allocation.
 *
 * @module
 */
import type { Architecture } from "../../models/architecture.ts";
import { checkBatchMemory, MemoryLimitError } from "../plan_memory.ts";
import { layoutStep } from "./_program.ts";

/** The kernels' WebAssembly memory maximum (the build's `--max-memory`). */
export const WASM_MAX_MEMORY_BYTES = 2 ** 31;
/** Bytes per WebAssembly page. */
export const WASM_PAGE_BYTES = 65536;

/** Pages for a layout ending at byte `end` (one spare, as the engine always had). */
export function memoryPages(end: number): number {
  return Math.ceil(end / WASM_PAGE_BYTES) + 1;
}

/**
 * Refuses a batch whose layout would pass the memory maximum.
 *
 * @throws {MemoryLimitError} naming the need, the limit and the largest batch that fits.
 */
export function checkWasmMemory(
  arch: string | Architecture,
  batchSize: number,
  threads: number,
  samples: number,
  heapBase: number,
): void {
  checkBatchMemory({
    engine: "the compiled CPU engine",
    arch: typeof arch === "string" ? arch : arch.name,
    batchSize,
    needAt: (b) =>
      memoryPages(layoutStep(arch, b, threads, samples, heapBase).end) * WASM_PAGE_BYTES,
    limit: WASM_MAX_MEMORY_BYTES,
    limitName: "its WebAssembly memory maximum",
  });
}

/**
 * Allocates the engine's shared memory; a need the machine cannot meet (a fitting layout,
 * but not that much free memory) becomes the same one-line refusal, not a raw error.
 *
 * @throws {MemoryLimitError} when the runtime cannot allocate `pages`.
 */
export function allocateMemory(pages: number, arch: string): WebAssembly.Memory {
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  } catch (error) {
    const bytes = pages * WASM_PAGE_BYTES;
    throw new MemoryLimitError(
      `The compiled CPU engine (${arch}) could not allocate its ${bytes} bytes of memory ` +
        `(${(error as Error).message}); use a smaller batch`,
      bytes,
      WASM_MAX_MEMORY_BYTES,
    );
  }
}
