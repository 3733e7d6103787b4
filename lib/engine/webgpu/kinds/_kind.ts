/**
 * What a layer kind of the WebGPU engine is: one module per kind (`kinds/<kind>.ts`) with
 * its forward and backward kernel builders together, registered in `kind_table.ts`, and the
 * naming helpers the kinds share (which step buffer holds a layer's output or gradient).
 *
 * @module
 */
import { type PlanLayer, storageLayer, type TrainingPlan } from "../../plan.ts";
import type { Tuning } from "../_tiles.ts";
import { bind, type Kernel, type KernelBinding } from "../_wgsl.ts";

/**
 * Which forward a program runs: a training step's (dropout drops, batch statistics), or
 * inference's (dropout passes everything, batch normalisation uses its moving statistics).
 */
export type ForwardMode = "train" | "infer";

/** The kernels of one layer kind, generated from the plan alone. */
export interface KindKernels<L extends PlanLayer> {
  /** The layer's forward kernels, in dispatch order (its output into `act:<i>`). */
  forward(plan: TrainingPlan, l: L, tuning: Tuning, mode: ForwardMode): Kernel[];
  /**
   * The layer's backward kernels, in dispatch order: its parameters' gradients, and its
   * input's gradient when `l.backpropInput` (with the producer's activation′ applied).
   */
  backward(plan: TrainingPlan, l: L, tuning: Tuning): Kernel[];
}

/** One layer variant of the plan, by kind. */
export type LayerOf<K extends PlanLayer["kind"]> = Extract<PlanLayer, { kind: K }>;

/** The buffer holding the output of layer `index` (−1: the batch's images). */
export function actName(plan: TrainingPlan, index: number): string {
  const s = storageLayer(plan, index);
  return s < 0 ? "images" : `act:${s}`;
}

/** The buffer holding the gradient w.r.t. the output of layer `index`. */
export function gradName(plan: TrainingPlan, index: number): string {
  return actName(plan, index).replace("act:", "grad:");
}

/** Block size of the dense layers' matrix products (see `MatmulTile.tile`). */
export function denseTile(tuning: Tuning): number {
  return tuning === "cpu" ? 8 : 4;
}

/** The input-gradient bindings: dY, an extra one (the parameters), the producer's output, dX. */
export function inputGradBindings(
  plan: TrainingPlan,
  l: PlanLayer,
  extra: KernelBinding | null = bind("params", "params", "f32"),
): KernelBinding[] {
  return [
    bind(`grad:${l.index}`, "dy", "f32"),
    ...(extra ? [extra] : []),
    bind(actName(plan, l.index - 1), "x", "f32"),
    bind(gradName(plan, l.index - 1), "dx", "f32", true),
  ];
}

/** The weight-gradient bindings: the layer's input, its output's gradient, the gradients. */
export function weightGradBindings(plan: TrainingPlan, l: PlanLayer): KernelBinding[] {
  return [
    bind(actName(plan, l.index - 1), "x", "f32"),
    bind(`grad:${l.index}`, "dy", "f32"),
    bind("grads", "grads", "f32", true),
  ];
}
