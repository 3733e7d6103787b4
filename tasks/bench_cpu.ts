/**
 * `deno task bench-cpu`: our compiled CPU engine's GFLOP/s per architecture, its share of
 * cnn-deep's, and PyTorch CPU side by side, alternating.
 *
 * @example
 * ```sh
 * deno task bench-cpu --arch cnn-deep,mlp --threads 2,1 --steps 20 --rounds 2
 * deno task bench-cpu --arch cnn-deep --arch-file examples/lenet5.keras.json --no-torch
 * ```
 * @module
 */
import { benchCpu } from "../lib/bench/bench_cpu.ts";
import { renderCpuBench } from "../lib/bench/render_cpu_bench.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { intFlag, stringFlag } from "../lib/cli/args.ts";
import { ARCH_FILES_FLAG, architecturesFromFlags } from "../lib/cli/arch_flags.ts";
import { DATA_DIR_FLAG, dataDirFlag, JSON_FLAG } from "../lib/cli/common_flags.ts";
import { ARCHITECTURE_NAMES } from "../lib/models/architectures.ts";
import { UsageError } from "../lib/errors.ts";

const spec = {
  name: "bench-cpu",
  summary: "Time training steps of our CPU engine (GFLOP/s, share of cnn-deep's) and PyTorch " +
    "CPU, alternating; print the ratios.",
  flags: {
    arch: { type: "string" as const, value: "A,B", help: "Architectures (default: all four)" },
    "arch-file": ARCH_FILES_FLAG,
    threads: { type: "string" as const, value: "N,M", help: "Thread counts (default 2,1)" },
    steps: { type: "string" as const, value: "N", help: "Timed steps (default 20)" },
    warmup: { type: "string" as const, value: "N", help: "Warm-up steps (default 3)" },
    rounds: { type: "string" as const, value: "N", help: "Alternations, best counts (default 2)" },
    "no-torch": { type: "boolean" as const, help: "Time our engine alone (no PyTorch)" },
    "data-dir": DATA_DIR_FLAG,
    json: JSON_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const threads = (stringFlag(flags, "threads") ?? "2,1").split(",").map(Number);
  if (threads.some((t) => !Number.isInteger(t) || t < 1 || t > 64)) {
    throw new UsageError(`--threads: integers 1 to 64, comma-separated`);
  }
  const say = (text: string) => flags.json !== true && console.log(text);
  const archs = await architecturesFromFlags(flags, ARCHITECTURE_NAMES, say);
  const steps = intFlag(flags, "steps", { min: 1, max: 10_000 }) ?? 20;
  const warmup = intFlag(flags, "warmup", { min: 0, max: 1000 }) ?? 3;
  const rounds = intFlag(flags, "rounds", { min: 1, max: 20 }) ?? 2;
  const data = await loadMnist({ dataDir: dataDirFlag(flags) });
  const { rows, peakRssBytes } = await benchCpu({
    archs,
    threads,
    steps,
    warmup,
    rounds,
    train: data.train,
    torch: flags["no-torch"] !== true,
    onRow: (r) =>
      say(
        `${r.arch} ×${r.threads}: ${r.oursRounds.map((m) => m.toFixed(1))}` +
          (r.torchRounds ? ` vs ${r.torchRounds.map((m) => m.toFixed(1))}` : "") + " ms/step",
      ),
  });
  if (flags.json) console.log(JSON.stringify({ rows, peakRssBytes }, null, 2));
  else {console.log(
      `${renderCpuBench(rows)}\n\nPeak RSS (ours): ${(peakRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );}
});
