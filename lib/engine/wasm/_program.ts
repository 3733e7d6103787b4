/**
 * Lays a training plan out in the CPU engine's memory and writes its step program: one op
 * record per fused kernel call (forward, loss, backward), each run over one chunk of the
 * batch at a time. The memory is one shared `WebAssembly.Memory`; this module only computes
 * byte offsets (a bump allocator) and the op words.
 *
 * @module
 */
import {
  isPlainConv,
  isPool2x2,
  type PlanLayer,
  planTraining,
  storageLayer,
  type TrainingPlan,
} from "../plan.ts";
import type { Architecture } from "../../models/architecture.ts";
import {
  ACTIVATION_CODE,
  CHUNK_FLOATS,
  chunksFor,
  f32bits,
  OP,
  OP_WORDS,
  STACK_BYTES,
} from "./_layout.ts";

/** Byte offsets of everything the step touches, and the program's words. */
export interface StepLayout {
  plan: TrainingPlan;
  /** Packed parameters rounded up to a multiple of 4 (the optimizer runs 4 at a time). */
  paramFloats: number;
  params: number;
  slot1: number;
  slot2: number;
  /** One gradient array per batch chunk (chunk 0's ends up holding the batch's gradient). */
  grads: number[];
  /** One scratch area per thread (im2col patches, Winograd planes and filter transforms). */
  scratch: number[];
  /** Worker stacks (top addresses), for threads 1… */
  stacks: number[];
  ctl: number;
  gradTable: number;
  scratchTable: number;
  sums: number;
  seeds: number;
  loss: number;
  correct: number;
  lut: number;
  images: number;
  labels: number;
  order: number;
  program: number;
  /** The op words, OP_WORDS per op. */
  ops: Int32Array;
  /** Images the dataset region holds. */
  samples: number;
  /** Dropout layers, in the order of their seed slots. */
  dropouts: number;
  /** Bytes of memory needed. */
  end: number;
}

const align = (n: number, to = 64) => Math.ceil(n / to) * to;

/**
 * Whether a conv runs as Winograd F(2×2, 3×3) (forward and input gradient): 3×3 kernels on
 * enough channels and pixels that 16 channel-GEMMs per 2×2 tile beat im2col (cnn-deep conv2:
 * 32 → 64 channels, 11×11 output). Forward, input gradient and filter gradient all use it.
 */
export function usesWinograd(l: Extract<PlanLayer, { kind: "conv2d" }>): boolean {
  const { input, output } = l;
  return isPlainConv(l) && l.kernelSize === 3 && input.c % 4 === 0 && output.c % 4 === 0 &&
    input.c >= 16 &&
    output.c >= 16 && output.h * output.w >= 64;
}
/** Whether a layer is the 2×2 stride-2 max-pool of OP_POOL (the rest run as OP_GPOOL). */
const isFastPool = (l: PlanLayer | undefined) => l?.kind === "maxPool" && isPool2x2(l);

/**
 * Computes the layout for an architecture at a batch size (tail batches reuse it with a
 * smaller `n`), `threads` threads and a dataset of `samples` images.
 */
export function layoutStep(
  arch: string | Architecture,
  batchSize: number,
  threads: number,
  samples: number,
  heapBase: number,
): StepLayout {
  const plan = planTraining(arch, batchSize);
  let top = align(heapBase);
  const take = (bytes: number) => {
    const at = top;
    top = align(top + bytes);
    return at;
  };
  const paramFloats = align(plan.paramCount, 4);
  // Past them, bias-free convs' zero biases: read as zeros, their gradients written to each
  // chunk's array but never summed nor applied (phase B stops at paramFloats).
  const storedFloats = align(plan.storedParams, 4);
  const pixels = plan.input.h * plan.input.w * plan.input.c;
  const buffers = new Map(plan.buffers.map((b) => [b.name, take(b.elements * 4)]));
  const buffer = (name: string) => {
    const at = buffers.get(name);
    if (at === undefined) throw new Error(`plan has no buffer ${name}`);
    return at;
  };
  const act = (layer: number) => {
    const owner = storageLayer(plan, layer);
    return owner < 0 ? buffer("images") : buffer(`act:${owner}`);
  };
  const grad = (layer: number) => {
    const owner = storageLayer(plan, layer);
    return owner < 0 ? 0 : buffers.get(`grad:${owner}`) ?? 0;
  };
  let scratchFloats = 4;
  for (const l of plan.layers) {
    if (l.kind !== "conv2d") continue;
    const taps = l.window[0] * l.window[1];
    const patch = l.output.h * l.output.w * taps * l.input.c;
    const transposed = taps * l.input.c * l.output.c;
    scratchFloats = Math.max(scratchFloats, 2 * Math.max(patch, CHUNK_FLOATS) + transposed);
  }
  // Each Winograd layer's area after that: its two filter transforms (kept across a
  // thread's chunks), the V / M planes and the filter gradient's dU (see kernels/step.c).
  const winograd = new Map<number, number>();
  for (const l of plan.layers) {
    if (l.kind !== "conv2d" || !usesWinograd(l)) continue;
    const { c } = l.input, co = l.output.c;
    const tiles = Math.ceil(l.input.h / 2) * Math.ceil(l.input.w / 2);
    winograd.set(l.index, scratchFloats);
    scratchFloats += 3 * 16 * c * co + 2 * 16 * tiles * Math.max(c, co);
  }
  const words: number[][] = [];
  const fwd: number[][] = [];
  const bwd: number[][] = [];
  let dropouts = 0;
  for (const l of plan.layers) {
    const inp = act(l.index - 1), out = act(l.index), dIn = l.backpropInput ? grad(l.index - 1) : 0;
    const dOut = grad(l.index);
    const { h, w, c } = l.input;
    switch (l.kind) {
      case "conv2d": {
        const shape = [l.kernel.offset, l.bias.offset, h, w, c, l.kernelSize, l.output.c, l.pad];
        const area = winograd.get(l.index) ?? 0;
        const act = ACTIVATION_CODE[l.activation];
        // After the op's words: kernel columns, strides, left padding (kernels/step.c).
        const window = [l.window[1], ...l.strides, l.pads[1]];
        fwd.push([OP.CONV, inp, out, ...shape, l.output.h, l.output.w, area, act, ...window]);
        // A following 2×2 max-pool's gradient applies this conv's activation′ (see POOL_BWD).
        const folded = isFastPool(plan.layers[l.index + 1]) && act !== 0 ? 1 : 0;
        bwd.push([
          OP.CONV_BWD,
          inp,
          out,
          dOut,
          dIn,
          ...shape,
          l.output.h,
          l.output.w,
          area,
          folded,
          act,
          ...window,
        ]);
        break;
      }
      case "maxPool":
      case "avgPool": {
        if (!isFastPool(l)) {
          const index = l.kind === "maxPool" ? buffer(`poolIndex:${l.index}`) : 0;
          const shape = [index, h, w, c, l.output.h, l.output.w, ...l.pool, ...l.strides];
          const tail = [...l.pad, l.kind === "avgPool" ? 1 : 0];
          fwd.push([OP.GPOOL, inp, out, ...shape, ...tail]);
          if (dIn) bwd.push([OP.GPOOL_BWD, dOut, dIn, ...shape, ...tail]);
          break;
        }
        const index = buffer(`poolIndex:${l.index}`);
        fwd.push([OP.POOL, inp, out, index, h, w, c, l.output.h, l.output.w]);
        const prev = plan.layers[l.index - 1];
        const fold = prev?.kind === "conv2d" ? ACTIVATION_CODE[prev.activation] : 0;
        const shape = [h, w, c, l.output.h, l.output.w];
        if (dIn) bwd.push([OP.POOL_BWD, dOut, dIn, index, ...shape, out, fold]);
        break;
      }
      case "dropout": {
        const n = h * w * c;
        const mask = buffers.get(`dropoutMask:${l.index}`) ?? take(batchSize * n * 4);
        const keep = Math.fround(1 - l.rate);
        fwd.push([OP.DROP, inp, out, mask, n, f32bits(l.rate), f32bits(1 / keep), dropouts++]);
        if (dIn) bwd.push([OP.DROP_BWD, dOut, dIn, mask, n]);
        break;
      }
      case "activation": {
        const n = h * w * c;
        const act = ACTIVATION_CODE[l.activation];
        fwd.push([OP.ACT, inp, out, n, act]);
        if (dIn) bwd.push([OP.ACT_BWD, dOut, dIn, out, n, act]);
        break;
      }
      case "flatten":
        break;
      case "dense": {
        const shape = [
          l.kernel.offset,
          l.bias.offset,
          c,
          l.output.c,
          ACTIVATION_CODE[l.activation],
        ];
        fwd.push([OP.DENSE, inp, out, ...shape]);
        bwd.push([OP.DENSE_BWD, inp, out, dOut, dIn, ...shape]);
        break;
      }
    }
  }
  const last = plan.layers.length - 1;
  const layout = {
    plan,
    paramFloats,
    params: take(storedFloats * 4),
    slot1: take(paramFloats * 4),
    slot2: take(paramFloats * 4),
    grads: Array.from({ length: chunksFor(threads) }, () => take(storedFloats * 4)),
    scratch: Array.from({ length: threads }, () => take(scratchFloats * 4)),
    stacks: Array.from({ length: threads - 1 }, () => take(STACK_BYTES) + STACK_BYTES),
    ctl: take(32 * 4),
    gradTable: take(chunksFor(threads) * 4),
    scratchTable: take(threads * 4),
    sums: take(16),
    seeds: take(Math.max(1, dropouts) * 4),
    loss: take(batchSize * 4),
    correct: take(batchSize * 4),
    lut: take(256 * 4),
    images: take(samples * pixels),
    labels: take(samples),
    order: take(samples * 4),
    program: 0,
    ops: new Int32Array(0),
    samples,
    dropouts,
    end: 0,
  };
  words.push([
    OP.INPUT,
    layout.images,
    layout.labels,
    layout.order,
    layout.lut,
    buffer("images"),
    buffer("labels"),
    pixels,
  ]);
  words.push(...fwd);
  words.push([OP.LOSS, act(last), buffer("labels"), grad(last), plan.classes]);
  words.push(...bwd.reverse());
  layout.ops = new Int32Array(words.length * OP_WORDS);
  words.forEach((op, i) => layout.ops.set(op, i * OP_WORDS));
  layout.program = take(layout.ops.byteLength);
  layout.end = top;
  return layout;
}
