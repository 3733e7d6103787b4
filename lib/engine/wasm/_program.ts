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
import { planTraining, type TrainingPlan } from "../plan.ts";
import type { Architecture } from "../../models/architecture.ts";
import { C, chunksFor, CLAIM_WORDS, OP, OP_WORDS, STACK_BYTES } from "./_layout.ts";
import type { LayerOps, OpWords } from "./kinds/_kind.ts";
import {
  type Addressing,
  addressing,
  align,
  allocator,
  layerOps,
  scratchAreas,
} from "./_layer_ops.ts";

export { usesWinograd, usesWinogradForward } from "./kinds/conv2d.ts";

/** Bytes of one image of the plan's input (one byte a pixel). */
const pixelsOf = (plan: TrainingPlan) => plan.input.h * plan.input.w * plan.input.c;

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
  /** The non-trainable state (`plan.stateCount` floats: batchNorm moving statistics). */
  state: number;
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
  /** Phase A's chunk claims, CLAIM_WORDS a phase (a program has fewer phases than ops + 1). */
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

function program(words: OpWords[], take: (bytes: number) => number): Program {
  const ops = new Int32Array(words.length * OP_WORDS);
  words.forEach((op, i) => ops.set(op, i * OP_WORDS));
  return { ops, at: take(ops.byteLength) };
}

type Regions = Omit<StepLayout, "train" | "infer" | "next" | "end">;

/** Everything but the programs, in allocation order. */
function regions(
  plan: TrainingPlan,
  take: (bytes: number) => number,
  threads: number,
  samples: number,
  scratchFloats: number,
  dropouts: number,
): Regions {
  const { batchSize } = plan;
  const paramFloats = align(plan.paramCount, 4);
  // Past them, bias-free convs' zero biases: read as zeros, their gradients written to each
  // chunk's array but never summed nor applied (phase B stops at paramFloats).
  const storedFloats = align(plan.storedParams, 4);
  const chunks = chunksFor(threads, batchSize);
  return {
    plan,
    paramFloats,
    params: take(storedFloats * 4),
    state: take(Math.max(1, plan.stateCount) * 4),
    slot1: take(paramFloats * 4),
    slot2: take(paramFloats * 4),
    grads: Array.from({ length: chunks }, () => take(storedFloats * 4)),
    scratch: Array.from({ length: threads }, () => take(scratchFloats * 4)),
    stacks: Array.from({ length: threads - 1 }, () => take(STACK_BYTES) + STACK_BYTES),
    ctl: take(C.WORDS * 4),
    gradTable: take(chunks * 4),
    scratchTable: take(threads * 4),
    sums: take(16),
    seeds: take(Math.max(1, dropouts) * 4),
    loss: take(batchSize * 4),
    correct: take(batchSize * 4),
    lut: take(256 * 4),
    images: take(samples * pixelsOf(plan)),
    labels: take(samples),
    order: take(samples * 4),
    samples,
    dropouts,
  };
}

/** The training and inference programs, and the phase counters for either. */
function programs(
  r: Regions,
  at: Addressing,
  ops: LayerOps[],
  take: (bytes: number) => number,
): Pick<StepLayout, "train" | "infer" | "next"> {
  const { plan } = r, { batchSize, classes } = plan;
  const last = plan.layers.length - 1;
  const input = (images: number, labels: number, order: number) => {
    const into = [r.lut, at.buffer("images"), at.buffer("labels"), pixelsOf(plan)];
    return [OP.INPUT, images, labels, order, ...into];
  };
  const train = program([
    input(r.images, r.labels, r.order),
    ...ops.flatMap((o) => o.forward),
    [OP.LOSS, at.act(last), at.buffer("labels"), at.grad(last), classes],
    ...ops.toReversed().flatMap((o) => o.backward),
  ], take);
  const batch = {
    images: take(batchSize * pixelsOf(plan)),
    labels: take(batchSize),
    order: take(batchSize * 4),
    probs: take(batchSize * classes * 4),
  };
  const infer = program([
    input(batch.images, batch.labels, batch.order),
    ...ops.flatMap((o) => o.infer),
    [OP.PROBS, at.act(last), batch.probs, classes],
  ], take);
  const phases = Math.max(train.ops.length, infer.ops.length) / OP_WORDS + 1;
  const next = take(phases * CLAIM_WORDS * 4);
  return { train, infer: { ...infer, ...batch }, next };
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
  const buffers = new Map(plan.buffers.map((b) => [b.name, take(b.elements * 4)]));
  const at = addressing(plan, buffers);
  const scratch = scratchAreas(plan);
  const { ops, dropouts } = layerOps(
    plan,
    at,
    buffers,
    take,
    scratch.own,
    chunksFor(threads, plan.batchSize),
  );
  const r = regions(plan, take, threads, samples, scratch.floats, dropouts);
  return { ...r, ...programs(r, at, ops, take), end: mem.top };
}
