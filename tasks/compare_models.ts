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
import { renderMarkdownTable, renderTextTable } from "../lib/compare/render_table.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { intFlag, stringFlag } from "../lib/cli/args.ts";
import { archListFlag, COMPARE_FLAGS } from "../lib/cli/compare_flags.ts";
import { backendFlag, dataDirFlag, humanSink } from "../lib/cli/common_flags.ts";
import { createProgressReporter } from "../lib/cli/progress.ts";
import { atomicWrite } from "../lib/fs/atomic_write.ts";
import { writeComparisonReport } from "../lib/report/write_comparison_report.ts";
import { defaultReportDir } from "../lib/defaults.ts";

const spec = {
  name: "compare-models",
  summary: "Train each architecture with its seed recipe and compare them in one table.",
  flags: COMPARE_FLAGS,
};

await runTask(spec, async (flags) => {
  const json = flags.json === true;
  const out = humanSink(json);
  const say = (line: string): void => void (flags.quiet ? undefined : out.write(`${line}\n`));
  const outFile = stringFlag(flags, "out");
  const rows = await compareModels({
    archs: archListFlag(flags),
    epochs: intFlag(flags, "epochs", { min: 1, max: 10_000 }),
    limit: intFlag(flags, "limit", { min: 1, max: 60_000 }),
    seed: intFlag(flags, "seed", { min: 0, max: 2 ** 31 - 1 }),
    backend: backendFlag(flags),
    dataDir: dataDirFlag(flags),
    onBackend: (choice) => say(`Backend: ${choice.name} (${choice.reason})`),
    onArch: (arch, i, n) => say(`\n[${i + 1}/${n}] ${arch}`),
    ...(flags.quiet ? {} : createProgressReporter(out)),
  });
  say(`\n${renderTextTable(rows)}`);
  if (outFile) {
    const text = outFile.endsWith(".json")
      ? JSON.stringify(rows, null, 2)
      : `${renderMarkdownTable(rows)}\n`;
    await atomicWrite(outFile, text);
    say(`Wrote ${outFile}`);
  }
  if (flags.report) {
    const files = await writeComparisonReport(rows, defaultReportDir("compare"));
    say(`Report: ${files.html}`);
  }
  if (json) console.log(JSON.stringify({ rows }, null, 2));
});
