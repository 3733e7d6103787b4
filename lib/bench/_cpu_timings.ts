/**
 * One measurement of each side of the CPU side-by-side (`bench_cpu.ts`): our compiled CPU
 * engine on real MNIST batches in this process, and PyTorch in a child process per
 * measurement. Each returns wall-clock and CPU ms/step over its timed steps; the rounds,
 * the best of them and the rows are `bench_cpu.ts`'s.
 *
 * @module
 */
import process from "node:process";
import type { MnistSplit } from "../data/types.ts";
import { createCpuEngine } from "../engine/wasm/cpu_engine.ts";
import type { OptimizerSpec } from "../engine/plan.ts";
import { stepFlops } from "../engine/plan_flops.ts";
import type { Architecture, Recipe } from "../models/architecture.ts";
import { architecturesJson } from "../models/architectures_json.ts";
import { defaultRecipe } from "../defaults.ts";
import { mulberry32 } from "../random.ts";

/** What a measurement needs of `BenchCpuOptions`. */
export interface TimingOptions {
  /** Timed steps per measurement. */
  steps: number;
  /** Untimed warm-up steps. */
  warmup: number;
  /** Training images for our side (PyTorch times on its own random data). */
  train: MnistSplit;
  /** The Python interpreter with torch. @default "/usr/bin/python3" */
  python?: string;
  /** The PyTorch script. @default "bench/pytorch_bench.py" */
  script?: string;
}

/** The recipe an architecture is timed with (the default one for a file's). */
export const recipeOf = (arch: Architecture): Recipe => arch.recipe ?? defaultRecipe();

function optimizerOf(arch: Architecture): OptimizerSpec {
  const { optimizer, learningRate } = recipeOf(arch);
  if (optimizer === "adam") {
    return { kind: "adam", learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
  }
  if (optimizer === "rmsprop") {
    return { kind: "rmsprop", learningRate, decay: 0.9, momentum: 0, epsilon: 1e-7 };
  }
  return { kind: "sgd", learningRate };
}

/** One measurement: wall-clock and CPU ms/step. */
export interface Measured {
  ms: number;
  cpuMs: number;
}

/** ms/step of our engine: real MNIST batches, Glorot-scaled random weights. */
export async function timeOurs(
  arch: Architecture,
  threads: number,
  options: TimingOptions,
): Promise<Measured & { simd: string; flops: number }> {
  const batch = recipeOf(arch).batchSize;
  const samples = Math.min(options.train.count, batch * (options.steps + options.warmup));
  const engine = await createCpuEngine({
    arch,
    batchSize: batch,
    samples,
    threads,
    optimizer: optimizerOf(arch),
  });
  const flops = stepFlops(engine.plan, recipeOf(arch).optimizer);
  try {
    const random = mulberry32(1);
    for (const p of engine.plan.params) {
      const fans = p.shape.length === 1 ? 0 : p.shape.at(-2)! + p.shape.at(-1)!;
      const limit = fans === 0 ? 0 : Math.sqrt(6 / fans);
      for (let i = 0; i < p.length; i++) engine.params[p.offset + i] = (2 * random() - 1) * limit;
    }
    engine.images.set(options.train.images.subarray(0, samples * 784));
    engine.labels.set(options.train.labels.subarray(0, samples));
    engine.order.set(Int32Array.from({ length: samples }, (_, i) => i));
    const run = (step: number) => {
      const offset = (step * batch) % (samples - batch + 1);
      engine.step(batch, offset, [step]);
    };
    for (let s = 0; s < options.warmup; s++) run(s);
    const start = performance.now(), cpu = process.cpuUsage();
    for (let s = 0; s < options.steps; s++) run(options.warmup + s);
    const used = process.cpuUsage(cpu);
    return {
      ms: (performance.now() - start) / options.steps,
      cpuMs: (used.user + used.system) / 1000 / options.steps,
      simd: engine.simd,
      flops,
    };
  } finally {
    engine.dispose();
  }
}

/**
 * ms/step of PyTorch (one process per measurement, as `bench/pytorch_bench.py --json`), its
 * model built from our architecture data, given on its stdin.
 */
export async function timeTorch(
  arch: Architecture,
  threads: number,
  options: TimingOptions,
): Promise<Measured> {
  const python = options.python ?? "/usr/bin/python3";
  const args = [options.script ?? "bench/pytorch_bench.py", "--arch", arch.name, "--json"];
  args.push("--arch-json", "/dev/stdin", "--threads", String(threads));
  args.push("--steps", String(options.steps), "--warmup", String(options.warmup));
  const child = new Deno.Command(python, { args, stdin: "piped", stdout: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(architecturesJson([arch])));
  await writer.close();
  const { success, stdout, stderr } = await child.output();
  const text = new TextDecoder().decode(success ? stdout : stderr).trim();
  if (!success) {
    throw new Error(
      `PyTorch reference failed (--no-torch times ours alone): ${text.split("\n").at(-1)}`,
    );
  }
  const row = JSON.parse(text.split("\n").at(-1)!) as { msPerStep: number; cpuMsPerStep: number };
  return { ms: row.msPerStep, cpuMs: row.cpuMsPerStep };
}
