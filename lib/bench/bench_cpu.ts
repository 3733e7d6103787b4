/**
 * The CPU side-by-side: our compiled CPU engine (`lib/engine/wasm/`) per architecture and
 * thread count, in GFLOP/s (the step's training FLOPs, `lib/engine/plan_flops.ts`, over its
 * best wall-clock time) and as a share of cnn-deep's GFLOP/s, and against the PyTorch CPU
 * reference (`bench/pytorch_bench.py`, same models, optimizers and batch sizes). Each round
 * times every architecture in turn (ours, then PyTorch), so a busy shared machine slows all
 * of them alike; the best round of each counts. Only the ratios of one run mean anything on
 * such a machine. One measurement of either side is `_cpu_timings.ts`.
 *
 * @module
 */
import type { MnistSplit } from "../data/types.ts";
import type { Architecture } from "../models/architecture.ts";
import { type Measured, recipeOf, timeOurs, timeTorch } from "./_cpu_timings.ts";

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
  /**
   * `flops` over the best CPU ms/step per thread (GFLOP per CPU-second of one thread): what
   * the cores did while the process ran, not slowed by other processes taking them.
   */
  cpuGflops: number;
  /** `cpuGflops` ÷ cnn-deep's, when cnn-deep is in the run. */
  cpuVsReference?: number;
  /** PyTorch's best wall-clock and CPU ms/step, and every round's (absent without PyTorch). */
  torchMs?: number;
  torchCpuMs?: number;
  torchRounds?: number[];
  /** ours / PyTorch (wall clock). */
  ratio?: number;
  /** `relaxed` (FMA) or `plain` SIMD. */
  simd: string;
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
    const [oursMs, oursCpuMs] = [best(ours[i]!, "ms"), best(ours[i]!, "cpuMs")];
    const row: CpuBenchRow = {
      arch: arch.name,
      batch: recipeOf(arch).batchSize,
      threads,
      oursMs,
      oursCpuMs,
      oursRounds: ours[i]!.map((m) => m.ms),
      flops: flops[i]!,
      gflops: flops[i]! / oursMs / 1e6,
      cpuGflops: flops[i]! / oursCpuMs / 1e6,
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
  for (const r of reference ? rows : []) {
    r.vsReference = r.gflops / reference!.gflops;
    r.cpuVsReference = r.cpuGflops / reference!.cpuGflops;
  }
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
