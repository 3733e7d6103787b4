/**
 * The WGSL of a register-tiled conv's thread (`_tiles.ts`), from its {@linkcode TileShape}:
 * the block's indices, its accumulation over one kernel row at a time or over a block of
 * output rows (edge blocks generated apart), and its stores.
 *
 * @module
 */
import type { ConvTile, TileShape } from "./_tile_shape.ts";
import { range } from "./_wgsl_snippets.ts";

/** The weight at (`kh`, `kw`) for the block's channel `c`, as a WGSL `let w`. */
function weightLet(spec: ConvTile, g: TileShape, kh: number | null, kw: number, c: number) {
  return `{ let w = ${
    g.weights.load(kh, kw, `ic * ${spec.inStride}u + (oc0 + ${c * g.step}u) * ${spec.outStride}u`)
  };`;
}

/** Kernel columns that feed at least one of the block's output columns. */
function liveColumns(spec: ConvTile, g: TileShape): number[] {
  return range(spec.k).filter((kw) => g.outs.some((o) => g.tapOn(o + kw)));
}

/** One input row `kh` (a constant when the weights are unrolled per row, else the loop's). */
function singleRow(spec: ConvTile, g: TileShape, kh: number | null): string {
  const { srcShape: s, pad } = spec;
  const at = kh === null ? "kh" : `${kh}u`;
  const load = (j: number) =>
    g.colMask ? `select(0.0, ${spec.src}[c${j} + ic], ok${j})` : `${spec.src}[c${j} + ic]`;
  const fmas = liveColumns(spec, g).flatMap((kw) =>
    g.chans.flatMap((c) => [
      `        ${weightLet(spec, g, kh, kw, c)}`,
      ...g.outs.filter((o) => g.tapOn(o + kw)).map((o) =>
        `          a0_${o}_${c} = fma(v${o + kw}, w, a0_${o}_${c});`
      ),
      "        }",
    ])
  ).join("\n");
  return `    let ih = i32(oh0 + ${at}) - ${pad};
    if (ih >= 0 && ih < ${s.h}) {
    let row = (b * ${s.h}u + u32(ih)) * ${s.w * s.c}u;
${g.taps.map((j) => `    let c${j} = row + cc${j};`).join("\n")}
    for (var ic = 0u; ic < ${s.c}u; ic++) {
${g.liveTaps.map((j) => `      let v${j} = ${load(j)};`).join("\n")}
${fmas}
    }
    }`;
}

/** Which rows of a block of rows `tile` (null: any block) are loaded and computed. */
function blockRows(spec: ConvTile, g: TileShape, tile: number | null) {
  const { srcShape: s, dstShape: d, k, pad } = spec;
  const top = tile === null ? null : tile * g.th - pad;
  const rowOn = (q: number) => top === null || (top + q >= 0 && top + q < s.h);
  const outOn = (r: number) => tile === null || tile * g.th + r < d.h;
  const live = range(g.th + k - 1).filter((q) =>
    rowOn(q) && g.rows.some((r) => outOn(r) && q - r >= 0 && q - r < k)
  );
  return { top, outOn, live, rowMask: g.masked && top === null };
}

/** Each live input row's base index (and, for any block, whether it is inside the input). */
function rowBases(spec: ConvTile, g: TileShape, top: number | null, live: number[]): string {
  const { srcShape: s, pad } = spec;
  return live.map((q) =>
    top === null
      ? `  let ih${q} = i32(oh0 + ${q}u) - ${pad};
  let r${q} = (b * ${s.h}u + u32(clamp(ih${q}, 0, ${s.h - 1}))) * ${s.w * s.c}u;${
        g.masked ? `\n  let in${q} = ih${q} >= 0 && ih${q} < ${s.h};` : ""
      }`
      : `  let r${q} = (b * ${s.h}u + ${top + q}u) * ${s.w * s.c}u;`
  ).join("\n");
}

/**
 * Every input row of the block loaded per input channel, each weight gathered once for the
 * `th` output rows it feeds. For a block of rows `tile` known when generating (an edge
 * block), rows in the padding are neither loaded nor multiplied and output rows past the
 * end are not computed.
 */
function rowsBlock(spec: ConvTile, g: TileShape, tile: number | null): string {
  const { top, outOn, live, rowMask } = blockRows(spec, g, tile);
  const value = (q: number, j: number) => {
    const masks = [rowMask ? `in${q}` : "", g.colMask ? `ok${j}` : ""].filter((x) => x);
    const v = `${spec.src}[r${q} + cc${j} + ic]`;
    return rowMask || g.colMask ? `select(0.0, ${v}, ${masks.join(" && ")})` : v;
  };
  const loads = live.flatMap((q) => g.liveTaps.map((j) => `    let v${q}_${j} = ${value(q, j)};`));
  const fmas = range(spec.k).flatMap((kh) =>
    liveColumns(spec, g).flatMap((kw) => {
      const lines = (c: number) =>
        g.rows.filter((r) => outOn(r) && live.includes(r + kh)).flatMap((r) =>
          g.outs.filter((o) => g.tapOn(o + kw)).map((o) =>
            `      a${r}_${o}_${c} = fma(v${r + kh}_${o + kw}, w, a${r}_${o}_${c});`
          )
        );
      if (lines(0).length === 0) return [];
      return g.chans.flatMap((c) => [`    ${weightLet(spec, g, kh, kw, c)}`, ...lines(c), "    }"]);
    })
  );
  return `${rowBases(spec, g, top, live)}
  for (var ic = 0u; ic < ${spec.srcShape.c}u; ic++) {
${loads.join("\n")}
${fmas.join("\n")}
  }`;
}

/** The blocks of rows, edge blocks (touching the padding or the end) generated apart. */
function rowBlocks(spec: ConvTile, g: TileShape): string {
  const { srcShape: s, dstShape: d, k, pad } = spec;
  const th = g.th;
  const edge = (t: number) =>
    t * th - pad < 0 || t * th + th + k - 1 - pad > s.h || t * th + th > d.h;
  const edges = range(g.hTiles).filter(edge);
  const special = edges.length === g.hTiles ? edges.slice(0, -1) : edges;
  const rest = edges.length === g.hTiles
    ? rowsBlock(spec, g, edges.at(-1)!)
    : rowsBlock(spec, g, null);
  return `${
    special.map((t) => `  if (oh0 == ${t * th}u) {\n${rowsBlock(spec, g, t)}\n  } else`).join("")
  }${special.length ? " {\n" : ""}${rest}${special.length ? "\n  }" : ""}`;
}

/** The thread's block indices, tap columns and zeroed accumulators. */
function tileHeader(spec: ConvTile, g: TileShape): string {
  const { srcShape: s, pad } = spec;
  const oc0 = g.lanes
    ? `(g % ${g.cTiles}u) * ${g.tc * g.step}u + lane`
    : `(i % ${g.cTiles}u) * ${g.tc}u`;
  const taps = g.taps.map((j) =>
    `  let iw${j} = i32(ow0 + ${j}u) - ${pad};
  let cc${j} = u32(clamp(iw${j}, 0, ${s.w - 1})) * ${s.c}u;${
      g.masked ? `\n  let ok${j} = iw${j} >= 0 && iw${j} < ${s.w};` : ""
    }`
  );
  const accumulators = g.rows.flatMap((r) =>
    g.outs.flatMap((o) => g.chans.map((c) => `  var a${r}_${o}_${c} = 0.0;`))
  );
  return `  let oc0 = ${oc0};
  var t = ${g.lanes ? "g" : "i"} / ${g.cTiles}u;
  let ow0 = (t % ${g.wTiles}u) * ${g.tw}u;
  t = t / ${g.wTiles}u;
  let oh0 = (t % ${g.hTiles}u) * ${g.th}u;
  let b = t / ${g.hTiles}u;
${taps.join("\n")}
${accumulators.join("\n")}`;
}

/** Each accumulator stored through the spec's `store`, inside the output. */
function tileStores(spec: ConvTile, g: TileShape): string {
  const d = spec.dstShape;
  return g.rows.flatMap((r) =>
    g.outs.map((o) =>
      `  if (oh0 + ${r}u < ${d.h}u && ow0 + ${o}u < ${d.w}u) {
    let o${r}_${o} = ((b * ${d.h}u + oh0 + ${r}u) * ${d.w}u + ow0 + ${o}u) * ${d.c}u + oc0;
${
        g.chans.map((c) =>
          `    ${
            spec.store(`o${r}_${o} + ${c * g.step}u`, `oc0 + ${c * g.step}u`, `a${r}_${o}_${c}`)
          }`
        ).join("\n")
      }
  }`
    )
  ).join("\n");
}

/** The body of a conv tile's thread. */
export function tileBody(spec: ConvTile, g: TileShape): string {
  const k = spec.k;
  const accumulate = g.th > 1
    ? rowBlocks(spec, g)
    : g.weights.unrolled
    ? range(k).map((kh) => `  {\n${singleRow(spec, g, kh)}\n  }`).join("\n")
    : `  for (var kh = 0u; kh < ${k}u; kh++) {\n${singleRow(spec, g, null)}\n  }`;
  return `${tileHeader(spec, g)}
${accumulate}
${tileStores(spec, g)}`;
}
