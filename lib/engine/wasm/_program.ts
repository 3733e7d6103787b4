/**
 * Lays a training plan out in the CPU engine's memory and writes its two programs: the
 * training step (input gather, every layer's forward ops, the loss, every layer's backward
 * ops) and the inference pass (input gather, every layer's inference ops, the softmax
 * probabilities). Each layer kind's module (`kinds/`) writes its own op words. The memory is
 * one shared `WebAssembly.Memory`; this module only computes byte offsets (a bump allocator)
 * and the op words.
 *
 * @module
 */
import { planTraining, storageLayer, type TrainingPlan } from "../plan.ts";
import type { Architecture } from "../../models/architecture.ts";
import { C, chunksFor, OP, OP_WORDS, STACK_BYTES } from "./_layout.ts";
import type { LayerIO, LayerOps, OpWords } from "./kinds/_kind.ts";
import { layerKind } from "./kinds/registry.ts";

export { usesWinograd } from "./kinds/conv2d.ts";

/** A program in memory: its op words (OP_WORDS per op) and where they are. */
export interface Program {
  ops: Int32Array;
  at: number;
}

/** Byte offsets of everything the step touches, and the programs. */
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
  /** Phase A's chunk counters, one per phase (a program has fewer phases than ops + 1). */
  next: number;
  sums: number;
  seeds: number;
  loss: number;
  correct: number;
  lut: number;
  images: number;
  labels: number;
  order: number;
  train: Program;
  /** The inference pass, on its own batch of images (with zero labels, identity order). */
  infer: Program & { images: number; order: number; probs: number };
  /** Images the dataset region holds. */
  samples: number;
  /** Dropout layers, in the order of their seed slots. */
  dropouts: number;
  /** Bytes of memory needed. */
  end: number;
}

const align = (n: number, to = 64) => Math.ceil(n / to) * to;

function allocator(base: number) {
  let top = align(base);
  return {
    take(bytes: number): number {
      const at = top;
      top = align(top + bytes);
      return at;
    },
    get top(): number {
      return top;
    },
  };
}

/** Per-thread scratch floats, and the float offset of each layer's own area. */
function scratchAreas(plan: TrainingPlan): { floats: number; own: number[] } {
  const needs = plan.layers.map((l) => layerKind(l).scratch(l));
  let floats = Math.max(4, ...needs.map((n) => n.shared));
  const own = needs.map((n) => {
    const at = floats;
    floats += n.own;
    return at;
  });
  return { floats, own };
}

/** The addresses of a plan's step buffers, a layer's output and its loss gradient. */
function addressing(plan: TrainingPlan, buffers: Map<string, number>) {
  const buffer = (name: string) => {
    const at = buffers.get(name);
    if (at === undefined) throw new Error(`plan has no buffer ${name}`);
    return at;
  };
  return {
    buffer,
    /** Layer `layer`'s output (−1: the images). */
    act(layer: number): number {
      const owner = storageLayer(plan, layer);
      return owner < 0 ? buffer("images") : buffer(`act:${owner}`);
    },
    /** The loss gradient w.r.t. layer `layer`'s output, 0 where there is none. */
    grad(layer: number): number {
      const owner = storageLayer(plan, layer);
      return owner < 0 ? 0 : buffers.get(`grad:${owner}`) ?? 0;
    },
  };
}
type Addressing = ReturnType<typeof addressing>;

/** Every layer's ops, with the addresses of its buffers. */
function layerOps(
  plan: TrainingPlan,
  at: Addressing,
  buffers: Map<string, number>,
  take: (bytes: number) => number,
  own: number[],
): { ops: LayerOps[]; dropouts: number } {
  let dropouts = 0;
  const ops = plan.layers.map((l) => {
    const io: LayerIO = {
      plan,
      inp: at.act(l.index - 1),
      out: at.act(l.index),
      dOut: at.grad(l.index),
      dIn: l.backpropInput ? at.grad(l.index - 1) : 0,
      area: own[l.index]!,
      buffer: at.buffer,
      bufferOr: (name, bytes) => buffers.get(name) ?? take(bytes),
      seedSlot: () => dropouts++,
    };
    return layerKind(l).ops(l, io);
  });
  return { ops, dropouts };
}

function program(words: OpWords[], take: (bytes: number) => number): Program {
  const ops = new Int32Array(words.length * OP_WORDS);
  words.forEach((op, i) => ops.set(op, i * OP_WORDS));
  return { ops, at: take(ops.byteLength) };
}

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
  const mem = allocator(heapBase), take = mem.take;
  const paramFloats = align(plan.paramCount, 4);
  // Past them, bias-free convs' zero biases: read as zeros, their gradients written to each
  // chunk's array but never summed nor applied (phase B stops at paramFloats).
  const storedFloats = align(plan.storedParams, 4);
  const pixels = plan.input.h * plan.input.w * plan.input.c;
  const buffers = new Map(plan.buffers.map((b) => [b.name, take(b.elements * 4)]));
  const at = addressing(plan, buffers);
  const scratch = scratchAreas(plan);
  const { ops, dropouts } = layerOps(plan, at, buffers, take, scratch.own);
  const chunks = chunksFor(threads);
  const base = {
    plan,
    paramFloats,
    params: take(storedFloats * 4),
    slot1: take(paramFloats * 4),
    slot2: take(paramFloats * 4),
    grads: Array.from({ length: chunks }, () => take(storedFloats * 4)),
    scratch: Array.from({ length: threads }, () => take(scratch.floats * 4)),
    stacks: Array.from({ length: threads - 1 }, () => take(STACK_BYTES) + STACK_BYTES),
    ctl: take(C.WORDS * 4),
    gradTable: take(chunks * 4),
    scratchTable: take(threads * 4),
    sums: take(16),
    seeds: take(Math.max(1, dropouts) * 4),
    loss: take(batchSize * 4),
    correct: take(batchSize * 4),
    lut: take(256 * 4),
    images: take(samples * pixels),
    labels: take(samples),
    order: take(samples * 4),
    samples,
    dropouts,
  };
  const last = plan.layers.length - 1;
  const input = (
    images: number,
    labels: number,
    order: number,
  ) => [
    OP.INPUT,
    images,
    labels,
    order,
    base.lut,
    at.buffer("images"),
    at.buffer("labels"),
    pixels,
  ];
  const train = program([
    input(base.images, base.labels, base.order),
    ...ops.flatMap((o) => o.forward),
    [OP.LOSS, at.act(last), at.buffer("labels"), at.grad(last), plan.classes],
    ...ops.toReversed().flatMap((o) => o.backward),
  ], take);
  const batch = {
    images: take(batchSize * pixels),
    labels: take(batchSize),
    order: take(batchSize * 4),
    probs: take(batchSize * plan.classes * 4),
  };
  const infer = program([
    input(batch.images, batch.labels, batch.order),
    ...ops.flatMap((o) => o.infer),
    [OP.PROBS, at.act(last), batch.probs, plan.classes],
  ], take);
  const next = take((Math.max(train.ops.length, infer.ops.length) / OP_WORDS + 1) * 4);
  return { ...base, next, train, infer: { ...infer, ...batch }, end: mem.top };
}
