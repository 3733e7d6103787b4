/**
 * `deno task bench`: times real training steps per architecture, backend and engine.
 *
 * @example
 * ```sh
 * deno task bench --arch cnn-deep --backend webgpu --engine compiled --counters --json
 * deno task bench --occupancy --arch cnn-deep --batch 64
 * ```
 * @module
 */
import {
  BENCH_FLAGS,
  benchOptionsFromFlags,
  occupancyOptionsFromFlags,
} from "../lib/bench/bench_flags.ts";
import { OCCUPANCY_TARGETS, occupancyPlan, renderOccupancy } from "../lib/bench/occupancy.ts";
import { runBench } from "../lib/bench/run_bench.ts";
import { renderBenchTable } from "../lib/bench/render_bench.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { backendFlag, dataDirFlag, humanSink } from "../lib/cli/common_flags.ts";

const spec = {
  name: "bench",
  summary: "Time training steps (after warm-up, on real MNIST batches) and print ms/step.",
  flags: BENCH_FLAGS,
};

await runTask(spec, async (flags) => {
  if (flags.occupancy) {
    // From the plan alone: no backend, no adapter.
    const { archs, batches } = occupancyOptionsFromFlags(flags);
    const plans = archs.flatMap((a) => batches.map((b) => occupancyPlan(a, b)));
    const json = JSON.stringify({ tuning: "gpu", targets: OCCUPANCY_TARGETS, plans }, null, 2);
    return console.log(flags.json ? json : plans.map(renderOccupancy).join("\n\n"));
  }
  const options = await benchOptionsFromFlags(flags);
  const say = humanSink(flags.json === true);
  const choice = await selectBackend(backendFlag(flags), { kernels: options.kernels });
  say.write(`Backend: ${choice.name} (${choice.reason}), kernels: ${options.kernels}\n`);
  const data = await loadMnist({ dataDir: dataDirFlag(flags) });
  const rows = await runBench(data.train, { ...options, onNote: (l) => say.write(`${l}\n`) });
  if (flags.json) {
    console.log(JSON.stringify({ backend: choice, kernels: options.kernels, rows }, null, 2));
  } else console.log(renderBenchTable(rows, options.profile));
});
