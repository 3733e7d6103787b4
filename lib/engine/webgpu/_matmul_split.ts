/**
 * The dense layers' matrix products for GPUs: the register block shrinks (4 × 4, 2 × 2,
 * 1 × 1) until the product launches two workgroups per SM, and the sum over `r` is split
 * into parts (split-K) when that is still too few threads, when one thread would loop
 * past `MAX_LOOP`, or when the sum runs over the batch (a weight gradient: every part
 * covers at most {@linkcode BATCH_CHUNK} samples). Split parts write partial products to
 * `scratch` and `_split_reduce.ts` adds them up and stores them.
 *
 * @module
 */
import { BUSY_FLOPS, GPU_WORKGROUP, MIN_THREADS, splitParts } from "./_gpu_sizing.ts";
import { matmulCost, type MatmulTile } from "./_matmul_tile.ts";
import { splitReduce } from "./_split_reduce.ts";
import { bind, flatKernel, type Kernel, referencedBindings } from "./_wgsl.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Samples per part of a sum over the batch (weight and bias gradients). */
export const BATCH_CHUNK = 16;

/** A GPU product: `MatmulTile` without `extra`, plus column sums and the batch hint. */
export interface SplitMatmul extends Omit<MatmulTile, "extra" | "tile"> {
  /** Also Σ_r B(r, n) for each column n (a bias gradient), stored by `store(n, sum)`. */
  columnSums?: { store: (n: string, acc: string) => string };
  /** The sum runs over the batch, so it is split even when the product fills the GPU. */
  overBatch?: boolean;
}

/**
 * Block size and split of a product (see the module doc): the biggest block that needs no
 * more parts than the batch or the loop limit force, else 1 × 1 blocks and as many parts
 * as fill the GPU.
 */
function shape(spec: SplitMatmul): { t: number; parts: number; per: number } {
  const { m, n, r } = spec;
  const want = 2 * m * n * r > BUSY_FLOPS ? MIN_THREADS : 0;
  const size = m * n + (spec.columnSums ? n : 0);
  const minParts = spec.overBatch ? Math.ceil(r / BATCH_CHUNK) : 1;
  const tiles = (t: number) => Math.ceil(m / t) * Math.ceil(n / t);
  for (const t of [4, 2]) {
    const forced = splitParts(r, tiles(t), 0, size, 1, minParts);
    if (tiles(t) * forced.parts >= want) return { t, ...forced };
  }
  return { t: 1, ...splitParts(r, tiles(1), want, size, 1, minParts) };
}

/** The product as one kernel, or a partial-products kernel and its reduction. */
export function splitMatmul(spec: SplitMatmul): Kernel[] {
  const { m, n, r } = spec;
  const { t, parts, per } = shape(spec);
  const split = parts > 1;
  const tm = Math.min(t, m);
  const tn = Math.min(t, n);
  const colTiles = Math.ceil(n / tn);
  const tiles = Math.ceil(m / tm) * colTiles;
  const size = m * n + (spec.columnSums ? n : 0);
  const guard = per * parts === r ? "" : `if (r < ${r}u) `;
  const loop = (body: string) =>
    `  for (var q = 0u; q < ${per}u; q++) {
    let r = sp * ${per}u + q;
    ${guard}{
${body}
    }
  }`;
  const sums = spec.columnSums
    ? `  if (i >= ${tiles * parts}u) {
    let col = (i - ${tiles * parts}u) % ${n}u;
    let sp = (i - ${tiles * parts}u) / ${n}u;
    var sum = 0.0;
${loop(`      sum += ${spec.b.array}[${spec.b.base("col")} + r * ${spec.b.stride}u];`)}
    ${
      split
        ? `scratch[sp * ${size}u + ${m * n}u + col] = sum;`
        : spec.columnSums.store("col", "sum")
    }
    return;
  }`
    : "";
  const rows = range(tm);
  const cols = range(tn);
  const out = (i: number, j: number) =>
    split
      ? `scratch[sp * ${size}u + (m0 + ${i}u) * ${n}u + n0 + ${j}u] = a_${i}_${j};`
      : spec.store(`(m0 + ${i}u)`, `(n0 + ${j}u)`, `a_${i}_${j}`);
  const body = `${sums}
  let sp = i / ${tiles}u;
  let m0 = ((i % ${tiles}u) / ${colTiles}u) * ${tm}u;
  let n0 = (i % ${colTiles}u) * ${tn}u;
${rows.map((i) => `  let am${i} = ${spec.a.base(`min(m0 + ${i}u, ${m - 1}u)`)};`).join("\n")}
${cols.map((j) => `  let bn${j} = ${spec.b.base(`min(n0 + ${j}u, ${n - 1}u)`)};`).join("\n")}
${rows.flatMap((i) => cols.map((j) => `  var a_${i}_${j} = 0.0;`)).join("\n")}
${
    loop(`${
      rows.map((i) => `      let x${i} = ${spec.a.array}[am${i} + r * ${spec.a.stride}u];`).join(
        "\n",
      )
    }
${cols.map((j) => `      let y${j} = ${spec.b.array}[bn${j} + r * ${spec.b.stride}u];`).join("\n")}
${
      rows.flatMap((i) => cols.map((j) => `      a_${i}_${j} = fma(x${i}, y${j}, a_${i}_${j});`))
        .join("\n")
    }`)
  }
${
    rows.flatMap((i) =>
      cols.map((j) => `  if (m0 + ${i}u < ${m}u && n0 + ${j}u < ${n}u) { ${out(i, j)} }`)
    ).join("\n")
  }`;
  const cost = matmulCost({
    ...spec,
    ...(spec.columnSums
      ? { extra: { threads: 0, body: "", cost: { flops: r * n, bytes: 4 * n, serialLoop: 0 } } }
      : {}),
    // Split parts store partial products; the reduction applies `store`.
    storeCost: split ? { flops: 0, reads: 0 } : spec.storeCost,
  });
  const main = flatKernel(
    spec.label,
    referencedBindings([...spec.bindings, bind("scratch", "scratch", "f32", true)], body),
    tiles * parts + (spec.columnSums ? n * parts : 0),
    body,
    {
      ...cost,
      bytes: cost.bytes + (split ? 4 * (parts - 1) * size : 0),
      serialLoop: per,
    },
    "",
    GPU_WORKGROUP,
  );
  if (!split) return [main];
  const store = (e: string, sum: string) =>
    spec.columnSums
      ? `if (${e} < ${m * n}u) { ${spec.store(`(${e} / ${n}u)`, `(${e} % ${n}u)`, sum)} } else { ${
        spec.columnSums.store(`(${e} - ${m * n}u)`, sum)
      } }`
      : spec.store(`(${e} / ${n}u)`, `(${e} % ${n}u)`, sum);
  const reduce = splitReduce({
    label: `${spec.label}_sum`,
    parts,
    size,
    store,
    storeFlops: spec.storeCost.flops * m * n,
    bindings: spec.bindings,
  });
  return [{ ...main, scratch: parts * size }, reduce];
}
