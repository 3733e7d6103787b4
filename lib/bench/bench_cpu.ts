/**
 * The CPU side-by-side: our compiled CPU engine (`lib/engine/wasm/`) per architecture and
 * thread count, in GFLOP/s (the step's training FLOPs, `lib/engine/plan_flops.ts`, over its
 * best wall-clock time) and as a share of cnn-deep's GFLOP/s, and against the PyTorch CPU
 * reference (`bench/pytorch_bench.py`, same models, optimizers and batch sizes). Each round
 * times every architecture in turn (ours, then PyTorch), so a busy shared machine slows all
 * of them alike; the best round of each counts. Only the ratios of one run mean anything on
 * such a machine.
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

/** The architecture whose GFLOP/s the others are compared with (issue 17's yardstick). */
export const REFERENCE_ARCH = "cnn-deep";

/** What to compare. */
export interface BenchCpuOptions {
  /** Architectures, each at its recipe's batch size (the default recipe's for a file's). */
  archs: readonly Architecture[];
  /** Thread counts to run at. */
  threads: number[];
  /** Timed steps per measurement. */
  steps: number;
  /** Untimed warm-up steps. */
  warmup: number;
  /** Rounds (every architecture, ours then PyTorch) per thread count; the best of each counts. */
  rounds: number;
  /** Training images for our side (PyTorch times on its own random data). */
  train: MnistSplit;
  /** Also time PyTorch. @default true */
  torch?: boolean;
  /** The Python interpreter with torch. @default "/usr/bin/python3" */
  python?: string;
  /** The PyTorch script. @default "bench/pytorch_bench.py" */
  script?: string;
  /** Called with each finished row. */
  onRow?: (row: CpuBenchRow) => void;
}

/** One architecture at one thread count. */
export interface CpuBenchRow {
  arch: string;
  batch: number;
  threads: number;
  /** Best wall-clock ms/step of ours over the rounds. */
  oursMs: number;
  /**
   * Best CPU ms/step (user + system, all threads of the process) of ours: steadier than wall
   * clock when other processes share the cores.
   */
  oursCpuMs: number;
  /** Every round's ms/step, in order. */
  oursRounds: number[];
  /** Training FLOPs of one step (forward, backward, loss, optimizer). */
  flops: number;
  /** `flops` over `oursMs`, in GFLOP/s. */
  gflops: number;
  /** `gflops` ÷ cnn-deep's at the same thread count, when cnn-deep is in the run. */
  vsReference?: number;
  /** PyTorch's best wall-clock and CPU ms/step, and every round's (absent without PyTorch). */
  torchMs?: number;
  torchCpuMs?: number;
  torchRounds?: number[];
  /** ours / PyTorch (wall clock). */
  ratio?: number;
  /** `relaxed` (FMA) or `plain` SIMD. */
  simd: string;
}

const recipeOf = (arch: Architecture): Recipe => arch.recipe ?? defaultRecipe();

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

interface Measured {
  ms: number;
  cpuMs: number;
}

/** ms/step of our engine: real MNIST batches, Glorot-scaled random weights. */
async function timeOurs(
  arch: Architecture,
  threads: number,
  options: BenchCpuOptions,
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
async function timeTorch(
  arch: Architecture,
  threads: number,
  options: BenchCpuOptions,
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

const best = (list: Measured[], key: keyof Measured) => Math.min(...list.map((m) => m[key]));

/** One thread count: `rounds` rounds over every architecture; one row per architecture. */
async function benchThreads(
  threads: number,
  options: BenchCpuOptions,
  onRss: () => void,
): Promise<CpuBenchRow[]> {
  const ours = options.archs.map(() => [] as Measured[]);
  const torch = options.archs.map(() => [] as Measured[]);
  const flops: number[] = [];
  let simd = "";
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, arch] of options.archs.entries()) {
      const result = await timeOurs(arch, threads, options);
      ours[i]!.push(result);
      [flops[i], simd] = [result.flops, result.simd];
      onRss();
      if (options.torch !== false) torch[i]!.push(await timeTorch(arch, threads, options));
    }
  }
  const rows = options.archs.map((arch, i): CpuBenchRow => {
    const oursMs = best(ours[i]!, "ms");
    const row: CpuBenchRow = {
      arch: arch.name,
      batch: recipeOf(arch).batchSize,
      threads,
      oursMs,
      oursCpuMs: best(ours[i]!, "cpuMs"),
      oursRounds: ours[i]!.map((m) => m.ms),
      flops: flops[i]!,
      gflops: flops[i]! / oursMs / 1e6,
      simd,
    };
    if (torch[i]!.length === 0) return row;
    const torchMs = best(torch[i]!, "ms");
    return {
      ...row,
      torchMs,
      torchCpuMs: best(torch[i]!, "cpuMs"),
      torchRounds: torch[i]!.map((m) => m.ms),
      ratio: oursMs / torchMs,
    };
  });
  const reference = rows.find((r) => r.arch === REFERENCE_ARCH);
  if (reference) { for (const r of rows) r.vsReference = r.gflops / reference.gflops; }
  return rows;
}

/**
 * Runs the side-by-side.
 *
 * @param options Architectures, thread counts, steps, rounds, data.
 * @returns One row per architecture and thread count, and our process's peak RSS in bytes
 *   (sampled after each of our measurements).
 * @throws {Error} when the PyTorch reference cannot run (no torch, no python).
 * @example
 * ```ts ignore
 * const { rows } = await benchCpu({ archs: [getArchitecture("mlp")], threads: [2], steps: 20,
 *   warmup: 3, rounds: 2, train: (await loadMnist()).train, torch: false });
 * ```
 */
export async function benchCpu(
  options: BenchCpuOptions,
): Promise<{ rows: CpuBenchRow[]; peakRssBytes: number }> {
  const rows: CpuBenchRow[] = [];
  let peakRssBytes = 0;
  const onRss = () => (peakRssBytes = Math.max(peakRssBytes, Deno.memoryUsage().rss));
  for (const threads of options.threads) {
    for (const row of await benchThreads(threads, options, onRss)) {
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return { rows, peakRssBytes };
}
