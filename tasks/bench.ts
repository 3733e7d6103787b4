/**
 * `deno task bench`: times real training steps per architecture, backend and kernel set.
 *
 * @example
 * ```sh
 * deno task bench --arch cnn-deep --batch 64 --steps 20 --backend wasm --json
 * ```
 * @module
 */
import { benchTraining } from "../lib/bench/bench_training.ts";
import {
  benchConv2DBackpropFilter,
  SEED_CONV_LAYERS,
} from "../lib/backend/webgpu/bench_kernels.ts";
import { renderBenchTable } from "../lib/bench/render_bench.ts";
import { loadMnist } from "../lib/data/load_mnist.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { choiceFlag, intFlag } from "../lib/cli/args.ts";
import { archListFlag } from "../lib/cli/compare_flags.ts";
import {
  BACKEND_FLAG,
  backendFlag,
  DATA_DIR_FLAG,
  dataDirFlag,
  humanSink,
  JSON_FLAG,
} from "../lib/cli/common_flags.ts";

const spec = {
  name: "bench",
  summary: "Time training steps (after warm-up, on real MNIST batches) and print ms/step.",
  flags: {
    arch: { type: "string" as const, value: "A,B", help: "Architectures (default cnn-deep)" },
    batch: { type: "string" as const, value: "N", help: "Batch size (default: each recipe's)" },
    steps: { type: "string" as const, value: "N", help: "Timed steps (default 20)" },
    warmup: { type: "string" as const, value: "N", help: "Warm-up steps (default 3)" },
    backend: BACKEND_FLAG,
    kernels: { type: "string" as const, value: "K", help: "fast (default) or stock tfjs kernels" },
    profile: { type: "boolean" as const, help: "Add a per-kernel breakdown of one step" },
    "filter-grad": {
      type: "boolean" as const,
      help: "Time Conv2DBackpropFilter alone, stock vs fast, per seed conv layer (webgpu)",
    },
    "data-dir": DATA_DIR_FLAG,
    json: JSON_FLAG,
  },
};

await runTask(spec, async (flags) => {
  const kernels = choiceFlag(flags, "kernels", ["fast", "stock"] as const) ?? "fast";
  const archs = archListFlag(flags) ?? ["cnn-deep"];
  const say = humanSink(flags.json === true);
  const choice = await selectBackend(backendFlag(flags), { kernels });
  say.write(`Backend: ${choice.name} (${choice.reason}), kernels: ${kernels}\n`);
  if (flags["filter-grad"]) {
    const batch = intFlag(flags, "batch", { min: 1, max: 4096 }) ?? 64;
    const rows = [];
    for (const layer of Object.keys(SEED_CONV_LAYERS)) {
      const [stock, fast] = [
        await benchConv2DBackpropFilter({ layer, batch, kernels: "stock" }),
        await benchConv2DBackpropFilter({ layer, batch, kernels: "fast" }),
      ];
      rows.push({
        layer,
        batch,
        stockMs: stock.msPerCall,
        fastMs: fast.msPerCall,
        speedup: stock.msPerCall / fast.msPerCall,
      });
      if (!flags.json) {
        console.log(
          `${layer.padEnd(16)} b${batch}  stock ${
            stock.msPerCall.toFixed(1).padStart(8)
          } ms  fast ${fast.msPerCall.toFixed(2).padStart(7)} ms  ${
            (stock.msPerCall / fast.msPerCall).toFixed(1)
          }×`,
        );
      }
    }
    if (flags.json) console.log(JSON.stringify({ backend: choice, rows }, null, 2));
    return;
  }
  const data = await loadMnist({ dataDir: dataDirFlag(flags) });
  const rows = [];
  for (const arch of archs) {
    rows.push({
      ...await benchTraining(data.train, {
        arch,
        batchSize: intFlag(flags, "batch", { min: 1, max: 60_000 }),
        steps: intFlag(flags, "steps", { min: 1, max: 100_000 }),
        warmupSteps: intFlag(flags, "warmup", { min: 1, max: 1000 }),
        fused: kernels === "fast",
        profile: flags.profile === true,
      }),
      kernels: kernels,
    });
  }
  if (flags.json) console.log(JSON.stringify({ backend: choice, kernels, rows }, null, 2));
  else console.log(renderBenchTable(rows, flags.profile === true));
});
