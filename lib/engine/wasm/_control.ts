/**
 * The CPU engine's control block: written once at creation (addresses, sizes, optimizer
 * constants, the programs, the initial state), and the per-op profile that runs ops one at a time through it.
 *
 * @module
 */
import { initialState, type OptimizerSpec } from "../plan.ts";
import { C, f32bits, OP, OP_WORDS, OPTIMIZER_CODE } from "./_layout.ts";
import type { StepLayout } from "./_program.ts";

/** Writes the control block, the program and the pixel table into fresh memory. */
export function writeControl(
  memory: WebAssembly.Memory,
  layout: StepLayout,
  threads: number,
  opt: OptimizerSpec,
): void {
  if (opt.kind === "rmsprop" && opt.momentum !== 0) {
    throw new RangeError("The CPU engine runs RMSprop without momentum only");
  }
  const [b1, b2] = opt.kind === "adam"
    ? [opt.beta1, opt.beta2]
    : opt.kind === "rmsprop"
    ? [opt.decay, 0]
    : [0, 0];
  const i32 = new Int32Array(memory.buffer);
  const ctl = layout.ctl / 4;
  const set = (word: number, value: number) => (i32[ctl + word] = value);
  set(C.THREADS, threads);
  set(C.CHUNKS, layout.grads.length);
  set(C.NOPS, layout.train.ops.length / OP_WORDS);
  set(C.PROG, layout.train.at);
  set(C.NEXT, layout.next);
  set(C.PARAMS, layout.params);
  set(C.STATE, layout.state);
  set(C.NPARAMS, layout.paramFloats);
  set(C.GRADS, layout.gradTable);
  set(C.SCRATCH, layout.scratchTable);
  set(C.OPT, OPTIMIZER_CODE[opt.kind]);
  set(C.SLOT1, layout.slot1);
  set(C.SLOT2, layout.slot2);
  set(C.LR, f32bits(opt.learningRate));
  set(C.B1, f32bits(b1));
  set(C.OB1, f32bits(1 - b1));
  set(C.B2, f32bits(b2));
  set(C.OB2, f32bits(1 - b2));
  set(C.EPS, f32bits(opt.kind === "sgd" ? 0 : opt.epsilon));
  set(C.LOSS, layout.loss);
  set(C.CORRECT, layout.correct);
  set(C.SUMS, layout.sums);
  set(C.SEEDS, layout.seeds);
  i32.set(layout.grads, layout.gradTable / 4);
  i32.set(layout.scratch, layout.scratchTable / 4);
  i32.set(layout.train.ops, layout.train.at / 4);
  i32.set(layout.infer.ops, layout.infer.at / 4);
  const batch = layout.plan.batchSize;
  i32.set(Array.from({ length: batch }, (_, i) => i), layout.infer.order / 4);
  new Float32Array(memory.buffer, layout.state, layout.plan.stateCount).set(
    initialState(layout.plan),
  );
  // tfjs normalises pixels as pixel / 255 in float64, then stores float32.
  new Float32Array(memory.buffer, layout.lut, 256).set(
    Array.from({ length: 256 }, (_, v) => v / 255),
  );
}

/**
 * Times each op of the program alone (on the buffers the last step left), then the
 * reduction + optimizer phase (an empty program), with `time()` running one step of the
 * current program and returning its milliseconds; restores the full program.
 */
export function profileOps(
  layout: StepLayout,
  i32: Int32Array,
  time: () => number,
): { op: string; ms: number }[] {
  const ctl = layout.ctl / 4;
  const { ops, at } = layout.train;
  const total = ops.length / OP_WORDS;
  const run = (first: number, count: number) => {
    i32[ctl + C.PROG] = at + first * OP_WORDS * 4;
    i32[ctl + C.NOPS] = count;
    return time();
  };
  run(0, total);
  const empty = run(0, 0);
  const names = Object.fromEntries(Object.entries(OP).map(([k, v]) => [v, k]));
  const rows = Array.from({ length: total }, (_, k) => ({
    op: names[ops[k * OP_WORDS]!]!.toLowerCase(),
    ms: run(k, 1) - empty,
  }));
  i32[ctl + C.PROG] = at;
  i32[ctl + C.NOPS] = total;
  return [...rows, { op: "reduce+optimizer", ms: empty }];
}
