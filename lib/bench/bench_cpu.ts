/**
 * The CPU side-by-side: our compiled CPU engine (`lib/engine/wasm/`) against the PyTorch CPU
 * reference (`bench/pytorch_bench.py`, same models, optimizers and batch sizes), per
 * architecture and thread count, alternating the two so that a busy shared machine slows
 * both alike. Only the ratio of one run means anything on such a machine.
 *
 * @module
 */
import process from "node:process";
import type { MnistSplit } from "../data/types.ts";
import { createCpuEngine } from "../engine/wasm/cpu_engine.ts";
import type { OptimizerSpec } from "../engine/plan.ts";
import { getArchitecture } from "../models/architectures.ts";
import { mulberry32 } from "../random.ts";

/** What to compare. */
export interface BenchCpuOptions {
  /** Architectures, each at its recipe's batch size. */
  archs: string[];
  /** Thread counts to run both sides at. */
  threads: number[];
  /** Timed steps per measurement. */
  steps: number;
  /** Untimed warm-up steps. */
  warmup: number;
  /** Alternations (ours, PyTorch) per architecture and thread count; the best of each counts. */
  rounds: number;
  /** Training images for our side (PyTorch times on its own random data). */
  train: MnistSplit;
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
  /** Best wall-clock ms/step of ours and of PyTorch over the rounds. */
  oursMs: number;
  torchMs: number;
  /** ours / PyTorch (wall clock). */
  ratio: number;
  /**
   * Best CPU ms/step (user + system, all threads of the process) of ours and of PyTorch:
   * steadier than wall clock when other processes share the cores.
   */
  oursCpuMs: number;
  torchCpuMs: number;
  /** Every round's ms/step, in order. */
  oursRounds: number[];
  torchRounds: number[];
  /** `relaxed` (FMA) or `plain` SIMD. */
  simd: string;
}

function optimizerOf(arch: string): OptimizerSpec {
  const { optimizer, learningRate } = getArchitecture(arch).recipe;
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
  arch: string,
  threads: number,
  options: BenchCpuOptions,
): Promise<Measured & { simd: string }> {
  const batch = getArchitecture(arch).recipe.batchSize;
  const samples = Math.min(options.train.count, batch * (options.steps + options.warmup));
  const engine = await createCpuEngine({
    arch,
    batchSize: batch,
    samples,
    threads,
    optimizer: optimizerOf(arch),
  });
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
    };
  } finally {
    engine.dispose();
  }
}

/** ms/step of PyTorch (one process per measurement, as `bench/pytorch_bench.py --json`). */
async function timeTorch(
  arch: string,
  threads: number,
  options: BenchCpuOptions,
): Promise<Measured> {
  const python = options.python ?? "/usr/bin/python3";
  const args = [options.script ?? "bench/pytorch_bench.py", "--arch", arch, "--json"];
  args.push("--threads", String(threads), "--steps", String(options.steps));
  args.push("--warmup", String(options.warmup));
  const { success, stdout, stderr } = await new Deno.Command(python, { args }).output();
  const text = new TextDecoder().decode(success ? stdout : stderr).trim();
  if (!success) throw new Error(`PyTorch reference failed: ${text.split("\n").at(-1)}`);
  const row = JSON.parse(text.split("\n").at(-1)!) as { msPerStep: number; cpuMsPerStep: number };
  return { ms: row.msPerStep, cpuMs: row.cpuMsPerStep };
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
 * const { rows } = await benchCpu({ archs: ["mlp"], threads: [2], steps: 20, warmup: 3,
 *   rounds: 2, train: (await loadMnist()).train });
 * ```
 */
export async function benchCpu(
  options: BenchCpuOptions,
): Promise<{ rows: CpuBenchRow[]; peakRssBytes: number }> {
  const rows: CpuBenchRow[] = [];
  let peakRssBytes = 0;
  for (const threads of options.threads) {
    for (const arch of options.archs) {
      const ours: Measured[] = [], torch: Measured[] = [];
      let simd = "";
      for (let round = 0; round < options.rounds; round++) {
        const result = await timeOurs(arch, threads, options);
        ours.push(result);
        simd = result.simd;
        peakRssBytes = Math.max(peakRssBytes, Deno.memoryUsage().rss);
        torch.push(await timeTorch(arch, threads, options));
      }
      const best = (list: Measured[], key: keyof Measured) => Math.min(...list.map((m) => m[key]));
      const [oursMs, torchMs] = [best(ours, "ms"), best(torch, "ms")];
      const row = {
        arch,
        batch: getArchitecture(arch).recipe.batchSize,
        threads,
        oursMs,
        torchMs,
        ratio: oursMs / torchMs,
        oursCpuMs: best(ours, "cpuMs"),
        torchCpuMs: best(torch, "cpuMs"),
        oursRounds: ours.map((m) => m.ms),
        torchRounds: torch.map((m) => m.ms),
        simd,
      };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return { rows, peakRssBytes };
}

/**
 * The side-by-side as a Markdown table (as BENCHMARKS.md shows it).
 *
 * @param rows Rows from {@linkcode benchCpu}.
 * @returns The table: wall-clock and CPU ms per step of both sides and their ratios.
 * @example
 * ```ts
 * import { renderCpuBench } from "./bench_cpu.ts";
 * import assert from "node:assert/strict";
 *
 * const table = renderCpuBench([{ arch: "mlp", batch: 32, threads: 2, oursMs: 1, torchMs: 4,
 *   ratio: 0.25, oursCpuMs: 1, torchCpuMs: 2, oursRounds: [1], torchRounds: [4], simd: "relaxed" }]);
 * assert.match(table, /\| mlp \(32\) \| 2 \| 1\.0 \| 4\.0 \| 0\.25× \|/);
 * ```
 */
export function renderCpuBench(rows: CpuBenchRow[]): string {
  const lines = [
    "| arch (batch) | threads | ours ms/step | PyTorch ms/step | ours / PyTorch " +
    "| ours CPU ms/step | PyTorch CPU ms/step | CPU ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const r of rows) {
    lines.push(
      `| ${r.arch} (${r.batch}) | ${r.threads} | ${r.oursMs.toFixed(1)} | ` +
        `${r.torchMs.toFixed(1)} | ${r.ratio.toFixed(2)}× | ${r.oursCpuMs.toFixed(1)} | ` +
        `${r.torchCpuMs.toFixed(1)} | ${(r.oursCpuMs / r.torchCpuMs).toFixed(2)}× |`,
    );
  }
  return lines.join("\n");
}
