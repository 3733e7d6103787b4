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

/** A product's block, split and the WGSL pieces every part of its code shares. */
interface Layout {
  tm: number;
  tn: number;
  colTiles: number;
  tiles: number;
  parts: number;
  /** Terms of the sum per part. */
  per: number;
  /** Elements of a part's partial results (the product, then the column sums). */
  size: number;
  split: boolean;
  /** A loop over the part `sp`'s terms `r` around `body`. */
  loop: (body: string) => string;
}

function layout(spec: SplitMatmul): Layout {
  const { m, n, r } = spec;
  const { t, parts, per } = shape(spec);
  const tm = Math.min(t, m);
  const tn = Math.min(t, n);
  const colTiles = Math.ceil(n / tn);
  const guard = per * parts === r ? "" : `if (r < ${r}u) `;
  return {
    tm,
    tn,
    colTiles,
    tiles: Math.ceil(m / tm) * colTiles,
    parts,
    per,
    size: m * n + (spec.columnSums ? n : 0),
    split: parts > 1,
    loop: (body) =>
      `  for (var q = 0u; q < ${per}u; q++) {
    let r = sp * ${per}u + q;
    ${guard}{
${body}
    }
  }`,
  };
}

/** WGSL of the threads past the blocks: each sums one column of B over its part. */
function columnSumsCode(spec: SplitMatmul, l: Layout): string {
  if (!spec.columnSums) return "";
  const first = l.tiles * l.parts;
  const { n, m, b } = spec;
  return `  if (i >= ${first}u) {
    let col = (i - ${first}u) % ${n}u;
    let sp = (i - ${first}u) / ${n}u;
    var sum = 0.0;
${l.loop(`      sum += ${b.array}[${b.base("col")} + r * ${b.stride}u];`)}
    ${
    l.split
      ? `scratch[sp * ${l.size}u + ${m * n}u + col] = sum;`
      : spec.columnSums.store("col", "sum")
  }
    return;
  }`;
}

/** WGSL of a block's threads: a `tm` × `tn` block of the product over the part's terms. */
function productCode(spec: SplitMatmul, l: Layout): string {
  const { m, n, a, b } = spec;
  const rows = range(l.tm);
  const cols = range(l.tn);
  const out = (i: number, j: number) =>
    l.split
      ? `scratch[sp * ${l.size}u + (m0 + ${i}u) * ${n}u + n0 + ${j}u] = a_${i}_${j};`
      : spec.store(`(m0 + ${i}u)`, `(n0 + ${j}u)`, `a_${i}_${j}`);
  const step = [
    ...rows.map((i) => `      let x${i} = ${a.array}[am${i} + r * ${a.stride}u];`),
    ...cols.map((j) => `      let y${j} = ${b.array}[bn${j} + r * ${b.stride}u];`),
    ...rows.flatMap((i) => cols.map((j) => `      a_${i}_${j} = fma(x${i}, y${j}, a_${i}_${j});`)),
  ];
  return [
    `  let sp = i / ${l.tiles}u;`,
    `  let m0 = ((i % ${l.tiles}u) / ${l.colTiles}u) * ${l.tm}u;`,
    `  let n0 = (i % ${l.colTiles}u) * ${l.tn}u;`,
    ...rows.map((i) => `  let am${i} = ${a.base(`min(m0 + ${i}u, ${m - 1}u)`)};`),
    ...cols.map((j) => `  let bn${j} = ${b.base(`min(n0 + ${j}u, ${n - 1}u)`)};`),
    ...rows.flatMap((i) => cols.map((j) => `  var a_${i}_${j} = 0.0;`)),
    l.loop(step.join("\n")),
    ...rows.flatMap((i) =>
      cols.map((j) => `  if (m0 + ${i}u < ${m}u && n0 + ${j}u < ${n}u) { ${out(i, j)} }`)
    ),
  ].join("\n");
}

/** The second pass of a split product: sums the parts and applies `store`. */
function reduceOf(spec: SplitMatmul, l: Layout): Kernel {
  const { m, n } = spec;
  const product = (e: string, sum: string) => spec.store(`(${e} / ${n}u)`, `(${e} % ${n}u)`, sum);
  const sums = spec.columnSums;
  return splitReduce({
    label: `${spec.label}_sum`,
    parts: l.parts,
    size: l.size,
    store: (e, sum) =>
      sums
        ? `if (${e} < ${m * n}u) { ${product(e, sum)} } else { ${
          sums.store(`(${e} - ${m * n}u)`, sum)
        } }`
        : product(e, sum),
    storeFlops: spec.storeCost.flops * m * n,
    bindings: spec.bindings,
  });
}

/** The product as one kernel, or a partial-products kernel and its reduction. */
export function splitMatmul(spec: SplitMatmul): Kernel[] {
  const { n, r } = spec;
  const l = layout(spec);
  const body = `${columnSumsCode(spec, l)}\n${productCode(spec, l)}`;
  const cost = matmulCost({
    ...spec,
    ...(spec.columnSums
      ? { extra: { threads: 0, body: "", cost: { flops: r * n, bytes: 4 * n, serialLoop: 0 } } }
      : {}),
    // Split parts store partial products; the reduction applies `store`.
    storeCost: l.split ? { flops: 0, reads: 0 } : spec.storeCost,
  });
  const main = flatKernel(
    spec.label,
    referencedBindings([...spec.bindings, bind("scratch", "scratch", "f32", true)], body),
    (l.tiles + (spec.columnSums ? n : 0)) * l.parts,
    body,
    {
      ...cost,
      bytes: cost.bytes + (l.split ? 4 * (l.parts - 1) * l.size : 0),
      serialLoop: l.per,
    },
    "",
    GPU_WORKGROUP,
  );
  return l.split ? [{ ...main, scratch: l.parts * l.size }, reduceOf(spec, l)] : [main];
}
