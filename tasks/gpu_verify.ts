/**
 * `deno task gpu-verify`: proves and measures the WebGPU path on this machine's GPU in phases
 * ordered by value (the compiled engine's parity and speed, its seed recipes, PyTorch beside
 * it, per-kernel GPU times, then the tfjs path), writing `gpu-verify.json` and
 * `gpu-verify.md` after a preflight and after every phase. On an offline GPU machine it runs
 * bundled, from `.gpu/run.sh` (`bench/gpu/pack.sh`).
 *
 * @example
 * ```sh
 * deno task gpu-verify --quick --out reports/gpu-verify
 * ```
 * @module
 */
import { intFlag, stringFlag } from "../lib/cli/args.ts";
import { DATA_DIR_FLAG, dataDirFlag } from "../lib/cli/data_flags.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { UsageError } from "../lib/errors.ts";
import { runGpuVerify } from "../lib/gpu_verify/run_gpu_verify.ts";
import { verdict } from "../lib/gpu_verify/write_report.ts";

const spec = {
  name: "gpu-verify",
  summary: "Verify and measure the WebGPU engine and kernels on this machine's GPU (≤ 8 min).",
  flags: {
    out: { type: "string", value: "DIR", help: "Report folder (default reports/gpu-verify)" },
    quick: { type: "boolean", help: "Small sizes, for a software adapter (CI on llvmpipe)" },
    phases: { type: "string", value: "LIST", help: "Phases to run, e.g. 0,2,3 (default all)" },
    budget: { type: "string", value: "S", help: "Time budget in seconds (default 450)" },
    "data-dir": DATA_DIR_FLAG,
  },
} as const;

await runTask(spec, async (flags) => {
  const list = stringFlag(flags, "phases");
  const phases = list?.split(",").map((p) => Number(p.trim()));
  if (phases?.some((p) => !Number.isInteger(p))) throw new UsageError(`Bad --phases "${list}"`);
  const report = await runGpuVerify({
    out: stringFlag(flags, "out") ?? "reports/gpu-verify",
    quick: flags.quick === true,
    ...(phases ? { phases } : {}),
    budgetSeconds: intFlag(flags, "budget", { min: 10 }) ?? 450,
    dataDir: dataDirFlag(flags),
    onLog: (line) => console.log(line),
    onPhase: (p) => console.log(`phase ${p.id} ${p.status} in ${p.seconds.toFixed(1)} s`),
  });
  console.log(`gpu-verify: ${verdict(report)}`);
  if (!report.ok) Deno.exitCode = 1;
});
