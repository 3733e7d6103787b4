/**
 * What a layer kind of the CPU engine is: one module per kind (this folder), registered in
 * {@linkcode LAYER_KINDS} (`registry.ts`), that writes the kind's op words (forward,
 * backward, inference) and says how much per-thread scratch it needs. The ops themselves are
 * in the kind's C header (`kernels/<kind>.h`), their codes in `_layout.ts`' `OP`.
 *
 * @module
 */
import type { PlanLayer, TrainingPlan } from "../../plan.ts";

/** One op record's words: its code, then what the kind's C function reads. */
export type OpWords = number[];

/** Where a layer's ops point (byte addresses in the engine's memory) and what it may take. */
export interface LayerIO {
  plan: TrainingPlan;
  /** The layer's input and output activations. */
  inp: number;
  out: number;
  /** The loss gradient w.r.t. its output, and w.r.t. its input (0: backpropagation stops). */
  dOut: number;
  dIn: number;
  /** Batch chunks of a step (work items of phase A, each with its own gradient array). */
  chunks: number;
  /** Float offset of the layer's own area in each thread's scratch (see `scratch().own`). */
  area: number;
  /** A plan buffer's address. */
  buffer(name: string): number;
  /** A plan buffer's address, or `bytes` of fresh memory where the plan lists none. */
  bufferOr(name: string, bytes: number): number;
  /** The next dropout seed slot. */
  seedSlot(): number;
}

/**
 * A layer's ops, each list in execution order. The training program runs every layer's
 * `forward`, the loss, then every layer's `backward` from the last layer to the first; the
 * inference program runs every layer's `infer`. An `OP.SYNC` record in a list ends a phase.
 */
export interface LayerOps {
  forward: OpWords[];
  backward: OpWords[];
  infer: OpWords[];
}

/** Floats of per-thread scratch a layer needs. */
export interface ScratchNeed {
  /** In the area every layer shares (reused from op to op). */
  shared: number;
  /** In an area of its own (kept across a thread's chunks, e.g. filter transforms). */
  own: number;
}

/** A layer kind of the CPU engine (`L`: its plan layers). */
export interface LayerKind<L extends PlanLayer> {
  scratch(layer: L): ScratchNeed;
  ops(layer: L, io: LayerIO): LayerOps;
}

/** No scratch. */
export const NO_SCRATCH: ScratchNeed = Object.freeze({ shared: 0, own: 0 });
