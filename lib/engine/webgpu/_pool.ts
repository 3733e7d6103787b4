/**
 * WGSL for 2×2 stride-2 max-pooling (every seed's pool; any other window runs in
 * `_pool_general.ts`) and its gradient. Each thread takes four channels when the
 * channel count allows (vec4 loads and stores): on llvmpipe every storage access is a loop
 * over the 8 lanes, ~9 ns a scalar and ~19 ns a vec4, so four channels cost about half.
 *
 * @module
 */
import { type PlanLayer, producerActivation, type TrainingPlan } from "../plan.ts";
import { POOL_FLOPS } from "../plan_flops.ts";
import { elements } from "./_cost.ts";
import { bind, flatKernel, type Kernel } from "./_wgsl.ts";
import { storeGated } from "./_activation.ts";

type Pool = Extract<PlanLayer, { kind: "maxPool" }>;

/** Channels per thread and the WGSL types and helpers of that width. */
export function width(channels: number) {
  const w = channels % 4 === 0 ? 4 : 1;
  return {
    w,
    f: w === 4 ? "vec4<f32>" as const : "f32" as const,
    u: w === 4 ? "vec4<u32>" as const : "u32" as const,
    /** The flat element indices of the `w` channels from element `e`. */
    indices: (e: string) => w === 4 ? `vec4<u32>(${e}, ${e} + 1u, ${e} + 2u, ${e} + 3u)` : e,
  };
}

/**
 * The forward pool: each window's max into `act:<i>` and its flat input index into
 * `poolIndex:<i>`. After a ReLU, a window whose max is 0 passes no gradient: its index is
 * stored as none (0xffffffff), so the backward pass needs no activation load for ReLU′.
 */
export function maxPool(plan: TrainingPlan, l: Pool, input: string, relu: boolean): Kernel {
  const { input: s, output: o } = l;
  const { w, f, u, indices } = width(o.c);
  const arg = relu ? `select(best, ${u}(0xffffffffu), m <= ${f}(0.0))` : "best";
  return flatKernel(
    `pool${l.index}`,
    [
      bind(input, "x", f),
      bind(`act:${l.index}`, "y", f, true),
      bind(`poolIndex:${l.index}`, "arg", u, true),
    ],
    plan.batchSize * o.h * o.w * o.c / w,
    `  let c = (i % ${o.c / w}u) * ${w}u;
  var t = i / ${o.c / w}u;
  let pw = t % ${o.w}u; t = t / ${o.w}u;
  let ph = t % ${o.h}u;
  let b = t / ${o.h}u;
  let first = ((b * ${s.h}u + ph * 2u) * ${s.w}u + pw * 2u) * ${s.c}u + c;
  var best = ${indices("first")};
  var m = x[first / ${w}u];
${
      [s.c, s.w * s.c, (s.w + 1) * s.c].map((d) =>
        `  { let j = first + ${d}u; let v = x[j / ${w}u]; let gt = v > m;
    m = select(m, v, gt); best = select(best, ${indices("j")}, gt); }`
      ).join("\n")
    }
  y[i] = m;
  arg[i] = ${arg};`,
    {
      flops: POOL_FLOPS * elements(plan.batchSize, o),
      // Four inputs read per window; the max and its index written.
      bytes: 4 * 6 * elements(plan.batchSize, o),
      serialLoop: 0,
    },
  );
}

/**
 * Routes each window's gradient to the input element that was its maximum, one thread per
 * 2×2 block of the input (the blocks past the last window of an odd size get zeros). ReLU′
 * of the max is already in the index (see {@linkcode maxPool}); another activation′ of the
 * pool's producer is taken from the pooled value, which is that producer's output at the max.
 */
export function poolGrad(plan: TrainingPlan, l: Pool, dxName: string): Kernel {
  const { input: s, output: o } = l;
  const { w, f, u, indices } = width(s.c);
  const bh = Math.ceil(s.h / 2);
  const bw = Math.ceil(s.w / 2);
  const produced = producerActivation(plan, l.index - 1);
  const a = produced === "relu" ? "linear" : produced;
  return flatKernel(
    `pool${l.index}_dx`,
    [
      bind(`grad:${l.index}`, "dy", f),
      bind(`poolIndex:${l.index}`, "arg", u),
      ...(a === "linear" ? [] : [bind(`act:${l.index}`, "y", f)]),
      bind(dxName, "dx", f, true),
    ],
    plan.batchSize * bh * bw * s.c / w,
    `  let c = (i % ${s.c / w}u) * ${w}u;
  var t = i / ${s.c / w}u;
  let pw = t % ${bw}u; t = t / ${bw}u;
  let ph = t % ${bh}u;
  let b = t / ${bh}u;
  var g = ${f}(0.0);
  var at = ${u}(0xffffffffu);
  if (ph < ${o.h}u && pw < ${o.w}u) {
    let j = (((b * ${o.h}u + ph) * ${o.w}u + pw) * ${o.c}u + c) / ${w}u;
    at = arg[j];
    ${storeGated(a, "g", "dy[j]", "y[j]", f)}
  }
  let first = ((b * ${s.h}u + ph * 2u) * ${s.w}u + pw * 2u) * ${s.c}u + c;
${
      [0, 1, 2, 3].map((k) => {
        const dh = k >> 1;
        const dw = k & 1;
        const idx = `first + ${dh * s.w * s.c + dw * s.c}u`;
        const inside = [dh ? `ph * 2u + 1u < ${s.h}u` : "", dw ? `pw * 2u + 1u < ${s.w}u` : ""]
          .filter(Boolean).join(" && ");
        const write = `dx[(${idx}) / ${w}u] = select(${f}(0.0), g, at == ${indices(`${idx}`)});`;
        return inside ? `  if (${inside}) { ${write} }` : `  ${write}`;
      }).join("\n")
    }`,
    {
      flops: 0,
      bytes: 4 * (2 * elements(plan.batchSize, o) + elements(plan.batchSize, s)),
      serialLoop: 0,
    },
  );
}
