/**
 * The second pass of a split reduction on GPUs: `parts` partial results of `size` elements
 * each, laid out `scratch[part · size + element]`, summed per element and stored. A
 * workgroup of 64 takes `E` consecutive elements with 64 / E lanes each (as few elements
 * as it takes to launch two workgroups per SM, and no more lanes than parts), each lane
 * adding every (64 / E)-th part, then a tree in workgroup memory: a reduction of a
 * 320-element filter gradient over 1,664 parts is 320 workgroups looping 26 times, not 5
 * workgroups looping 1,664 times.
 *
 * @module
 */
import { GPU_WORKGROUP, MIN_GROUPS } from "./_gpu_sizing.ts";
import { bind, groupKernel, type Kernel, type KernelBinding, referencedBindings } from "./_wgsl.ts";

/** What a split reduction sums and where each sum goes. */
export interface SplitReduce {
  label: string;
  parts: number;
  size: number;
  /** WGSL statement storing `sum` for element `e` (u32 expression). */
  store: (e: string, sum: string) => string;
  /** FLOPs of all `size` stores together (beyond the sums). */
  storeFlops: number;
  /** Bindings `store` may use; only those its WGSL names are bound. */
  bindings: KernelBinding[];
}

/** Elements per workgroup: halved from 64 until there are enough workgroups or lanes. */
function elementsPerGroup(parts: number, size: number): number {
  let e = GPU_WORKGROUP;
  while (e > 1 && Math.ceil(size / e) < MIN_GROUPS && GPU_WORKGROUP / e < parts) e /= 2;
  return e;
}

/** The reduction kernel (see the module doc). */
export function splitReduce(spec: SplitReduce): Kernel {
  const { parts, size } = spec;
  const e = elementsPerGroup(parts, size);
  const lanes = GPU_WORKGROUP / e;
  const loops = Math.ceil(parts / lanes);
  const groups = Math.ceil(size / e);
  const store = spec.store("e", "part[lid]");
  const used = referencedBindings(spec.bindings, store);
  const tree = [];
  for (let s = lanes / 2; s >= 1; s /= 2) {
    tree.push(`  if (lane < ${s}u) { part[lid] += part[lid + ${s * e}u]; }\n  workgroupBarrier();`);
  }
  const main = `var<workgroup> part: array<f32, ${GPU_WORKGROUP}>;
@compute @workgroup_size(${GPU_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) ng: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let e = (wid.x + wid.y * ng.x) * ${e}u + lid % ${e}u;
  let lane = lid / ${e}u;
  var sum = 0.0;
  if (e < ${size}u) {
    for (var q = 0u; q < ${loops}u; q++) {
      let p = q * ${lanes}u + lane;
      ${parts % lanes === 0 ? "" : `if (p < ${parts}u) `}{ sum += scratch[p * ${size}u + e]; }
    }
  }
  part[lid] = sum;
  workgroupBarrier();
${tree.join("\n")}
  if (lane == 0u && e < ${size}u) {
    ${store}
  }
}`;
  return groupKernel(
    spec.label,
    [bind("scratch", "scratch", "f32"), ...used],
    main,
    { groups, workgroupSize: GPU_WORKGROUP },
    {
      flops: parts * size + spec.storeFlops,
      bytes: 4 * (parts + 1) * size,
      serialLoop: loops,
    },
  );
}
