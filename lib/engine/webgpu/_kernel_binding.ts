/**
 * One buffer binding of a compiled kernel, shared by the kernel shape (`_wgsl.ts`) and the
 * snippets that make bindings (`_wgsl_snippets.ts`).
 *
 * @module
 */

/** One buffer a kernel binds, by its executor name (`params`, `act:3`, …). */
export interface KernelBinding {
  buffer: string;
  /** Name of the array in the WGSL source. */
  as: string;
  type: "f32" | "u32" | "vec4<f32>" | "vec4<u32>";
  write: boolean;
  /**
   * Bind a byte window of the buffer as a uniform `array<vec4<f32>, size / 16>` instead
   * (`offset` a multiple of 256, `size` ≤ 64 KiB): on llvmpipe a uniform-buffer load is a
   * scalar load or one vector gather, while every storage-buffer load is a loop over the 8
   * lanes (measured: ~7 ns per storage load of 8 lanes, ≤ 3 ns per uniform one).
   */
  uniform?: { offset: number; size: number };
}
