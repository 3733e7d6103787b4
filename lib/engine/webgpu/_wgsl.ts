/**
 * The shape of one compiled kernel and the WGSL boilerplate every kernel shares: binding
 * declarations and the flat thread index. The values kernels splice in (exact f32 literals,
 * the dropout hash, uniform windows) are in `_wgsl_snippets.ts`, re-exported here.
 *
 * @module
 */
import type { KernelBinding } from "./_kernel_binding.ts";

export type { KernelBinding };
export {
  DROPOUT_HASH,
  dropoutThreshold,
  lit,
  range,
  reluGate,
  uniformWindow,
} from "./_wgsl_snippets.ts";

/** Threads per workgroup of the flat kernels (llvmpipe runs 8 lanes × 8 of them well). */
export const WORKGROUP = 64;
/** WebGPU's per-dimension workgroup limit; larger dispatches fold into y. */
export const MAX_GROUPS = 65_535;

/**
 * What one dispatch costs, as its generator computes it from the shapes (see
 * `lib/engine/plan_flops.ts` for the conventions): the occupancy report and the
 * generation-time loop limits read these, so no GPU is needed to size a kernel.
 */
export interface Cost {
  /**
   * Arithmetic on data: 2 per multiply-add, 1 per other add, max, compare, exp, … Useful
   * work only: products with zero padding and tile overhang are not counted.
   */
  flops: number;
  /** Approximate memory traffic: 4 bytes per element read or written, each counted once. */
  bytes: number;
  /**
   * The longest serial loop of one invocation: the iterations of every loop it runs, outer
   * loops included (a loop of `n` trips around inner loops of `m` iterations in all counts
   * `n · (1 + m)`; loops in sequence add), the worst invocation's. llvmpipe keeps one such
   * count per invocation over all its loops and silently leaves every loop once it reaches
   * 65,535 (measured 2026-12-04: 300 × 300 nested iterations ran 65,101 inner bodies;
   * two loops of 40,000 in sequence ran 65,534 in all). Kernels that can come near that
   * (the llvmpipe filter gradients) count exactly as llvmpipe does, with `nestPasses` of
   * `_loop_limit.ts`: one pass more per loop entered, and the loops of threads that may
   * share a SIMD row on diverging paths added up.
   */
  serialLoop: number;
}

/** A kernel: WGSL source with entry point `main`, its bindings, its launch and its cost. */
export interface Kernel extends Cost {
  label: string;
  code: string;
  bindings: KernelBinding[];
  /** Workgroups to dispatch, `[x, y]`. */
  groups: [number, number];
  /** Invocations per workgroup (the `@workgroup_size`). */
  workgroupSize: number;
  /** f32 elements of the shared `scratch` buffer this kernel needs (split reductions). */
  scratch?: number;
}

/** A binding helper: `bind("act:2", "x", "f32")` (read-only unless `write`). */
export function bind(
  buffer: string,
  as: string,
  type: KernelBinding["type"],
  write = false,
): KernelBinding {
  return { buffer, as, type, write };
}

/**
 * The bindings whose array `code` indexes: a kernel must not declare one it leaves unused
 * (WebGPU's automatic layout drops it, and the bind group would not match).
 */
export function referencedBindings(bindings: KernelBinding[], code: string): KernelBinding[] {
  return bindings.filter((b) => new RegExp(`\\b${b.as}\\[`).test(code));
}

function declarations(bindings: KernelBinding[]): string {
  return bindings.map((b, i) =>
    b.uniform
      ? `@group(0) @binding(${i}) var<uniform> ${b.as}: array<vec4<f32>, ${b.uniform.size / 16}>;`
      : `@group(0) @binding(${i}) var<storage, ${
        b.write ? "read_write" : "read"
      }> ${b.as}: array<${b.type}>;`
  ).join("\n");
}

/** Workgroups for `threads` flat threads, folded into 2-D past the per-dimension limit. */
export function flatGroups(threads: number, workgroup = WORKGROUP): [number, number] {
  const groups = Math.max(1, Math.ceil(threads / workgroup));
  const x = Math.min(groups, MAX_GROUPS);
  return [x, Math.ceil(groups / x)];
}

/**
 * A kernel of `threads` threads: `body` runs with the flat index `i` (u32) for each
 * `i < threads`; `prelude` holds module-scope helpers.
 */
export function flatKernel(
  label: string,
  bindings: KernelBinding[],
  threads: number,
  body: string,
  cost: Cost,
  prelude = "",
  workgroup = WORKGROUP,
): Kernel {
  const code = `${declarations(bindings)}
${prelude}
@compute @workgroup_size(${workgroup})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>) {
  let i = gid.x + gid.y * ng.x * ${workgroup}u;
  if (i >= ${threads}u) { return; }
${body}
}`;
  return {
    label,
    code,
    bindings,
    groups: flatGroups(threads, workgroup),
    workgroupSize: workgroup,
    ...cost,
  };
}

/**
 * A kernel of `groups` workgroups of `lanes` invocations: `body` runs with the workgroup
 * index `g` and the lane `lane` (u32). Values computed from `g` alone are uniform across a
 * workgroup, so a thread block can be shaped per workgroup (8 lanes = one llvmpipe SIMD row)
 * with the lanes differing only where the data does (e.g. output channels).
 */
export function laneKernel(
  label: string,
  bindings: KernelBinding[],
  groups: number,
  body: string,
  cost: Cost,
  lanes = 8,
): Kernel {
  const code = `${declarations(bindings)}
@compute @workgroup_size(${lanes})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>,
        @builtin(local_invocation_index) lane: u32) {
  let g = wid.x + wid.y * ng.x;
  if (g >= ${groups}u) { return; }
${body}
}`;
  return {
    label,
    code,
    bindings,
    groups: flatGroups(groups * lanes, lanes),
    workgroupSize: lanes,
    ...cost,
  };
}

/**
 * A kernel of `groups` workgroups of `workgroupSize` invocations whose `main` (and any
 * module-scope declarations) is given whole, for tree reductions in workgroup memory.
 */
export function groupKernel(
  label: string,
  bindings: KernelBinding[],
  main: string,
  launch: { groups: number; workgroupSize: number },
  cost: Cost,
): Kernel {
  return {
    label,
    code: `${declarations(bindings)}\n${main}`,
    bindings,
    groups: flatGroups(launch.groups, 1),
    workgroupSize: launch.workgroupSize,
    ...cost,
  };
}
