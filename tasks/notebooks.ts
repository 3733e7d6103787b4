/**
 * `deno task notebooks [--full] [--only A,B] [--in-place]`: executes the notebooks headless
 * with Jupyter on Deno's kernel — quick smoke runs by default, the seed recipes with `--full`.
 *
 * @example
 * ```sh
 * deno task notebooks                 # quick: every notebook in seconds, into reports/notebooks/
 * deno task notebooks --full --in-place   # the seed recipes, outputs saved into notebooks/
 * ```
 * @module
 */
import { NOTEBOOK_NAMES, runNotebooks } from "../lib/notebook/run_notebooks.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { stringFlag } from "../lib/cli/args.ts";
import { UsageError } from "../lib/errors.ts";

const spec = {
  name: "notebooks",
  summary: "Execute the notebooks with Jupyter (nbconvert) on the Deno kernel.",
  flags: {
    full: { type: "boolean" as const, help: "Train with the seed recipes (default: quick runs)" },
    only: {
      type: "string" as const,
      value: "A,B",
      help: `Notebooks (${NOTEBOOK_NAMES.join(", ")})`,
    },
    "in-place": {
      type: "boolean" as const,
      help: "Save outputs into notebooks/ (default: reports/notebooks/)",
    },
  },
};

await runTask(spec, async (flags) => {
  const names = stringFlag(flags, "only")?.split(",").map((n) => n.trim());
  const unknown = names?.find((n) => !NOTEBOOK_NAMES.includes(n));
  if (unknown !== undefined) {
    throw new UsageError(`Unknown notebook "${unknown}": expected ${NOTEBOOK_NAMES.join(", ")}`);
  }
  const runs = await runNotebooks({
    full: flags.full === true,
    ...(names ? { names } : {}),
    ...(flags["in-place"] ? {} : { outDir: "reports/notebooks" }),
    onStart: (name) => console.log(`${name}: executing (${flags.full ? "full" : "quick"})…`),
  });
  for (const run of runs) {
    const status = run.ok ? "ok" : `FAILED: ${run.error}`;
    console.log(`${run.name}: ${status} (${run.seconds.toFixed(0)} s) → ${run.path}`);
  }
  if (runs.some((run) => !run.ok)) Deno.exitCode = 1;
});
