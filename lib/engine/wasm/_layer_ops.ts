/**
 * The pieces of the CPU engine's memory layout that the layer kinds meet: the bump
 * allocator, each thread's scratch (the largest shared need, then each layer's own area),
 * the step buffers' addresses, and every layer's ops as its kind's module writes them.
 *
 * @module
 */
import { storageLayer, type TrainingPlan } from "../plan.ts";
import type { LayerIO, LayerOps } from "./kinds/_kind.ts";
import { layerKind } from "./kinds/registry.ts";

/** Addresses of a plan's step buffers. */
export interface Addressing {
  /** A plan buffer's address. */
  buffer(name: string): number;
  /** Layer `layer`'s output (−1: the images). */
  act(layer: number): number;
  /** The loss gradient w.r.t. layer `layer`'s output, 0 where there is none. */
  grad(layer: number): number;
}

/** `n` rounded up to a multiple of `to`. */
export const align = (n: number, to = 64): number => Math.ceil(n / to) * to;

/** A bump allocator from byte `base`, every block 64-byte aligned. */
export function allocator(base: number): { take(bytes: number): number; readonly top: number } {
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
export function scratchAreas(plan: TrainingPlan): { floats: number; own: number[] } {
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
export function addressing(plan: TrainingPlan, buffers: Map<string, number>): Addressing {
  const buffer = (name: string) => {
    const at = buffers.get(name);
    if (at === undefined) throw new Error(`plan has no buffer ${name}`);
    return at;
  };
  return {
    buffer,
    act(layer: number): number {
      const owner = storageLayer(plan, layer);
      return owner < 0 ? buffer("images") : buffer(`act:${owner}`);
    },
    grad(layer: number): number {
      const owner = storageLayer(plan, layer);
      return owner < 0 ? 0 : buffers.get(`grad:${owner}`) ?? 0;
    },
  };
}

/** Every layer's ops, with the addresses of its buffers. */
export function layerOps(
  plan: TrainingPlan,
  at: Addressing,
  buffers: Map<string, number>,
  take: (bytes: number) => number,
  own: number[],
  chunks: number,
): { ops: LayerOps[]; dropouts: number } {
  let dropouts = 0;
  const ops = plan.layers.map((l) => {
    const io: LayerIO = {
      plan,
      inp: at.act(l.index - 1),
      out: at.act(l.index),
      dOut: at.grad(l.index),
      dIn: l.backpropInput ? at.grad(l.index - 1) : 0,
      chunks,
      area: own[l.index]!,
      buffer: at.buffer,
      bufferOr: (name, bytes) => buffers.get(name) ?? take(bytes),
      seedSlot: () => dropouts++,
    };
    return layerKind(l).ops(l, io);
  });
  return { ops, dropouts };
}
