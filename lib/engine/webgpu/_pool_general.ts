/**
 * WGSL for pooling of any window, strides and padding, max or average (the 2×2 stride-2
 * max-pool keeps its own kernels in `_pool.ts`). Forward: one thread per output element
 * (four channels when the count allows), a loop over the window's valid cells. Gradient: one
 * thread per input element, gathering from the windows that cover it, so overlapping windows
 * (3×3 stride 2) need no atomics. A max stores its first maximum's flat input index, as the
 * 2×2 kernel does, including the ReLU shortcut: after a ReLU the padded cells are ignored, so
 * a window's max is ≥ 0, and a max of 0 has ReLU′ = 0 and is stored as no index.
 *
 * @module
 */
import { type PlanLayer, producerActivation, type TrainingPlan } from "../plan.ts";
import { poolFlops } from "../plan_flops.ts";
import { elements } from "./_cost.ts";
import { bind, flatKernel, type Kernel } from "./_wgsl.ts";
import { gateCost, storeGated } from "./_activation.ts";
import { width } from "./_pool.ts";

type Pool = Extract<PlanLayer, { kind: "maxPool" | "avgPool" }>;

/** WGSL: the batch, row, column and channel of flat thread `i` over a `shape`, `w` wide. */
function position(s: { h: number; w: number; c: number }, w: number): string {
  return `  let c = (i % ${s.c / w}u) * ${w}u;
  var t = i / ${s.c / w}u;
  let col = i32(t % ${s.w}u); t = t / ${s.w}u;
  let row = i32(t % ${s.h}u);
  let b = t / ${s.h}u;`;
}

/**
 * The forward pool: each window's max (and its index into `poolIndex:<i>`) or its average
 * over the valid cells into `act:<i>`.
 */
export function generalPool(plan: TrainingPlan, l: Pool, input: string, relu: boolean): Kernel {
  const { input: s, output: o, pool, strides, pad } = l;
  const { w, f, u, indices } = width(o.c);
  const max = l.kind === "maxPool";
  const take = max
    ? `if (first) { m = v; best = ${indices("j")}; first = false; }
        else { let gt = v > m; m = select(m, v, gt); best = select(best, ${indices("j")}, gt); }`
    : "m = m + v; cells = cells + 1.0;";
  const store = max
    ? `y[i] = m;\n  arg[i] = ${relu ? `select(best, ${u}(0xffffffffu), m <= ${f}(0.0))` : "best"};`
    : "y[i] = m / cells;";
  return flatKernel(
    `${max ? "maxPool" : "avgPool"}${l.index}`,
    [
      bind(input, "x", f),
      bind(`act:${l.index}`, "y", f, true),
      ...(max ? [bind(`poolIndex:${l.index}`, "arg", u, true)] : []),
    ],
    plan.batchSize * o.h * o.w * o.c / w,
    `${position(o, w)}
  var m = ${f}(0.0);
  var best = ${u}(0u);
  var first = true;
  var cells = 0.0;
  for (var kh = 0; kh < ${pool[0]}; kh++) {
    let ih = row * ${strides[0]} - ${pad[0]} + kh;
    if (ih < 0 || ih >= ${s.h}) { continue; }
    for (var kw = 0; kw < ${pool[1]}; kw++) {
      let iw = col * ${strides[1]} - ${pad[1]} + kw;
      if (iw >= 0 && iw < ${s.w}) {
        let j = ((b * ${s.h}u + u32(ih)) * ${s.w}u + u32(iw)) * ${s.c}u + c;
        let v = x[j / ${w}u];
        ${take}
      }
    }
  }
  ${store}`,
    {
      flops: (poolFlops(pool) + (max ? 0 : 1)) * elements(plan.batchSize, o),
      bytes: 4 * (pool[0] * pool[1] + (max ? 2 : 1)) * elements(plan.batchSize, o),
      serialLoop: pool[0] * pool[1],
    },
  );
}

/**
 * The pool's input gradient: each input element sums the gradients of the windows covering
 * it (a max's only where it was the stored maximum; an average's divided by that window's
 * valid cells), then applies its producer's activation′ (ReLU′ of a max is in the index).
 */
export function generalPoolGrad(plan: TrainingPlan, l: Pool, input: string, dx: string): Kernel {
  const { input: s, output: o, pool, strides, pad } = l;
  const { w, f, u, indices } = width(s.c);
  const max = l.kind === "maxPool";
  const produced = producerActivation(plan, l.index - 1);
  const a = max && produced === "relu" ? "linear" : produced;
  const add = max
    ? `g = g + select(${f}(0.0), dy[k], arg[k] == ${indices("at")});`
    : `let rows = min(oh * ${strides[0]} - ${pad[0]} + ${pool[0]}, ${s.h}) - max(oh * ${
      strides[0]
    } - ${pad[0]}, 0);
      let cols = min(ow * ${strides[1]} - ${pad[1]} + ${pool[1]}, ${s.w}) - max(ow * ${
      strides[1]
    } - ${pad[1]}, 0);
      g = g + dy[k] / f32(rows * cols);`;
  const range = (v: string, axis: 0 | 1, size: number) =>
    `let ${v}Lo = max(0, (${axis ? "col" : "row"} + ${pad[axis]} - ${pool[axis]} + ${
      strides[axis]
    }) / ${strides[axis]});
  let ${v}Hi = min(${size - 1}, (${axis ? "col" : "row"} + ${pad[axis]}) / ${strides[axis]});`;
  const windows = Math.ceil(pool[0] / strides[0]) * Math.ceil(pool[1] / strides[1]);
  const gate = gateCost(a);
  return flatKernel(
    `${max ? "maxPool" : "avgPool"}${l.index}_dx`,
    [
      bind(`grad:${l.index}`, "dy", f),
      ...(max ? [bind(`poolIndex:${l.index}`, "arg", u)] : []),
      ...(a === "linear" ? [] : [bind(input, "x", f)]),
      bind(dx, "dx", f, true),
    ],
    plan.batchSize * s.h * s.w * s.c / w,
    `${position(s, w)}
  let at = ((b * ${s.h}u + u32(row)) * ${s.w}u + u32(col)) * ${s.c}u + c;
  ${range("oh", 0, o.h)}
  ${range("ow", 1, o.w)}
  var g = ${f}(0.0);
  for (var oh = ohLo; oh <= ohHi; oh++) {
    for (var ow = owLo; ow <= owHi; ow++) {
      let k = (((b * ${o.h}u + u32(oh)) * ${o.w}u + u32(ow)) * ${o.c}u + c) / ${w}u;
      ${add}
    }
  }
  ${storeGated(a, "dx[i]", "g", "x[i]", f)}`,
    {
      // As lib/engine/plan_flops.ts counts them (a max's gradient routing is free there).
      flops: max ? 0 : 2 * elements(plan.batchSize, o) + gate.flops * elements(plan.batchSize, s),
      bytes: 4 * ((1 + gate.reads) * elements(plan.batchSize, s) +
        windows * (max ? 2 : 1) * elements(plan.batchSize, s)),
      serialLoop: windows,
    },
  );
}
