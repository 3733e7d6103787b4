/**
 * The register-tiled matrix product of the dense layers (forward, input and weight
 * gradients): each thread computes a 4 × 4 block, so each loaded value feeds four
 * multiply-adds.
 *
 * @module
 */
import { type Cost, flatKernel, type Kernel, type KernelBinding } from "./_wgsl.ts";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A matrix operand: element (row, r) of A or (r, col) of B at `base(row|col) + r·stride`. */
export interface Operand {
  array: string;
  base: (index: string) => string;
  stride: number;
}

/** C[m, n] = Σ_r A(m, r)·B(r, n) for m < M, n < N, with `store(m, n, acc)` per element. */
export interface MatmulTile {
  label: string;
  bindings: KernelBinding[];
  m: number;
  n: number;
  r: number;
  a: Operand;
  b: Operand;
  /** WGSL statement storing `acc` (an f32 expression) at row `m`, column `n` (u32 exprs). */
  store: (m: string, n: string, acc: string) => string;
  /** FLOPs and f32 loads (beyond the accumulator) of `store`, per output element. */
  storeCost: { flops: number; reads: number };
  /** Extra threads after the tiles, handed `extra` = their index (e.g. bias sums). */
  extra?: { threads: number; body: string; cost: Cost };
  /**
   * Rows and columns of a thread's block: 4 on GPUs; 8 on llvmpipe, where each storage
   * load (~9 ns) then feeds 8 multiply-adds instead of 4. @default 4
   */
  tile?: number;
}

/** A register-tiled (4 × 4 or `tile` × `tile`) matrix product kernel. */
export function matmulTile(spec: MatmulTile): Kernel {
  const tm = Math.min(spec.tile ?? 4, spec.m);
  const tn = Math.min(spec.tile ?? 4, spec.n);
  const colTiles = Math.ceil(spec.n / tn);
  const tiles = Math.ceil(spec.m / tm) * colTiles;
  const rows = range(tm);
  const cols = range(tn);
  const body = `  ${
    spec.extra
      ? `if (i >= ${tiles}u) {\n    let extra = i - ${tiles}u;\n${spec.extra.body}\n    return;\n  }`
      : ""
  }
  let m0 = (i / ${colTiles}u) * ${tm}u;
  let n0 = (i % ${colTiles}u) * ${tn}u;
${rows.map((i) => `  let am${i} = ${spec.a.base(`min(m0 + ${i}u, ${spec.m - 1}u)`)};`).join("\n")}
${cols.map((j) => `  let bn${j} = ${spec.b.base(`min(n0 + ${j}u, ${spec.n - 1}u)`)};`).join("\n")}
${rows.flatMap((i) => cols.map((j) => `  var a_${i}_${j} = 0.0;`)).join("\n")}
  for (var r = 0u; r < ${spec.r}u; r++) {
${rows.map((i) => `    let x${i} = ${spec.a.array}[am${i} + r * ${spec.a.stride}u];`).join("\n")}
${cols.map((j) => `    let y${j} = ${spec.b.array}[bn${j} + r * ${spec.b.stride}u];`).join("\n")}
${
    rows.flatMap((i) => cols.map((j) => `    a_${i}_${j} = fma(x${i}, y${j}, a_${i}_${j});`)).join(
      "\n",
    )
  }
  }
${
    rows.flatMap((i) =>
      cols.map((j) =>
        `  if (m0 + ${i}u < ${spec.m}u && n0 + ${j}u < ${spec.n}u) { ${
          spec.store(`(m0 + ${i}u)`, `(n0 + ${j}u)`, `a_${i}_${j}`)
        } }`
      )
    ).join("\n")
  }`;
  // Small workgroups with big tiles, so a 64 × 64 product still spreads over llvmpipe's threads.
  const workgroup = (spec.tile ?? 4) > 4 ? 8 : 64;
  return flatKernel(
    spec.label,
    spec.bindings,
    tiles + (spec.extra?.threads ?? 0),
    body,
    matmulCost(spec),
    "",
    workgroup,
  );
}

/** The product's cost: A and B read once, C written once, `r` iterations a thread. */
export function matmulCost(spec: MatmulTile): Cost {
  const { m, n, r } = spec;
  const extra = spec.extra?.cost ?? { flops: 0, bytes: 0, serialLoop: 0 };
  return {
    flops: 2 * m * n * r + spec.storeCost.flops * m * n + extra.flops,
    bytes: 4 * (m * r + r * n + m * n * (1 + spec.storeCost.reads)) + extra.bytes,
    serialLoop: Math.max(r, extra.serialLoop),
  };
}
