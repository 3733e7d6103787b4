/**
 * The CPU engine's inference pass: the layout's inference program (the input gather, every
 * layer's inference ops, the softmax probabilities; no loss, no backward, no update) run
 * through the same control block as the training step, a batch at a time, the training
 * program restored after.
 *
 * @module
 */
import { C, OP_WORDS } from "./_layout.ts";
import type { KernelExports } from "./_kernels.ts";
import type { StepLayout } from "./_program.ts";

/** Runs the inference program over `count` images, a batch at a time. */
export function infer(
  { layout, memory, kernels, mayWait }: {
    layout: StepLayout;
    memory: WebAssembly.Memory;
    kernels: KernelExports;
    mayWait: number;
  },
  images: Uint8Array,
  count: number,
): Float32Array {
  const { plan } = layout;
  const pixels = plan.input.h * plan.input.w * plan.input.c;
  if (!Number.isInteger(count) || count < 0 || images.length < count * pixels) {
    throw new RangeError(
      `infer: ${count} images need ${count * pixels} bytes, got ${images.length}`,
    );
  }
  const i32 = new Int32Array(memory.buffer), ctl = layout.ctl / 4;
  const batch = new Uint8Array(memory.buffer, layout.infer.images, plan.batchSize * pixels);
  const probs = new Float32Array(memory.buffer, layout.infer.probs, plan.batchSize * plan.classes);
  const out = new Float32Array(count * plan.classes);
  const program = (at: number, ops: number, inferring: number) => {
    i32[ctl + C.PROG] = at;
    i32[ctl + C.NOPS] = ops / OP_WORDS;
    i32[ctl + C.INFER] = inferring;
  };
  program(layout.infer.at, layout.infer.ops.length, 1);
  try {
    for (let first = 0; first < count; first += plan.batchSize) {
      const n = Math.min(plan.batchSize, count - first);
      batch.set(images.subarray(first * pixels, (first + n) * pixels));
      i32[ctl + C.N] = n;
      i32[ctl + C.ORDER_OFF] = 0;
      kernels.step(layout.ctl, mayWait);
      out.set(probs.subarray(0, n * plan.classes), first * plan.classes);
    }
  } finally {
    program(layout.train.at, layout.train.ops.length, 0);
  }
  return out;
}
