/**
 * `deno task compare-models`: trains each architecture with its seed recipe on the same data
 * and backend and prints one comparison table.
 *
 * @example
 * ```sh
 * deno task compare-models --epochs 1 --limit 6000 --json
 * ```
 * @module
 */
import { compareModels } from "../lib/compare/compare_models.ts";
import { renderTextTable, writeComparisonTable } from "../lib/compare/render_table.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { intFlag } from "../lib/cli/args.ts";
import { optionalOutFlag } from "../lib/cli/out_flag.ts";
import { COMPARE_FLAGS } from "../lib/cli/compare_flags.ts";
import { architecturesFromFlags } from "../lib/cli/arch_flags.ts";
import { ARCHITECTURE_NAMES } from "../lib/models/architectures.ts";
import { engineFlag } from "../lib/cli/train_flags.ts";
import { backendFlag, dataDirFlag, humanSink } from "../lib/cli/common_flags.ts";
import { createProgressReporter } from "../lib/cli/progress.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import { writeComparisonReport } from "../lib/report/write_comparison_report.ts";
import { defaultReportDir } from "../lib/defaults.ts";

const spec = {
  name: "compare-models",
  summary:
    "Train each architecture (seeds with their recipe, files with the default) and compare them.",
  flags: COMPARE_FLAGS,
  stopsOnSignal: true,
};

await runTask(spec, async (flags, { signal }) => {
  const [json, log] = [flags.json === true, stderrDataLog()];
  const out = humanSink(json);
  const say = (line: string): void => void (flags.quiet ? undefined : out.write(`${line}\n`));
  const outFile = optionalOutFlag(flags, `${defaultReportDir("compare")}/table.md`);
  const rows = await compareModels({
    archs: await architecturesFromFlags(flags, ARCHITECTURE_NAMES, say),
    epochs: intFlag(flags, "epochs", { min: 1, max: 10_000 }),
    limit: intFlag(flags, "limit", { min: 1, max: 60_000 }),
    seed: intFlag(flags, "seed", { min: 0, max: 2 ** 31 - 1 }),
    backend: backendFlag(flags),
    dataDir: dataDirFlag(flags),
    onDataEvent: log.onEvent,
    signal,
    engine: engineFlag(flags),
    onBackend: (choice) => say(`Backend: ${choice.name} (${choice.reason})`),
    onNote: say,
    onArch: (arch, i, n) => say(`\n[${i + 1}/${n}] ${arch}`),
    ...(flags.quiet ? {} : createProgressReporter(out)),
  });
  say(`\n${renderTextTable(rows)}`);
  if (outFile) {
    await writeComparisonTable(rows, outFile);
    say(`Wrote ${outFile}`);
  }
  if (flags.report) {
    const files = await writeComparisonReport(rows, defaultReportDir("compare"));
    say(`Report: ${files.html}`);
  }
  if (json) console.log(JSON.stringify({ rows, data: { rejected: log.rejected } }, null, 2));
});
