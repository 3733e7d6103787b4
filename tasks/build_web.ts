/**
 * `deno task build-web`: writes the browser app as a static site (page, MNIST, `_headers`)
 * to `dist/web/`, replacing the previous site whole.
 *
 * @example
 * ```sh
 * deno task build-web
 * ```
 * @module
 */
import { runTask } from "../lib/cli/run_task.ts";
import { DATA_DIR_FLAG, dataDirFlag } from "../lib/cli/data_flags.ts";
import type { TaskSpec } from "../lib/cli/args.ts";
import { outFlag } from "../lib/cli/out_flag.ts";
import { formatBytes } from "../lib/fs/read_capped.ts";
import { defaultWebConfig } from "../lib/defaults.ts";
import { buildSite } from "../lib/site/build_site.ts";

const spec: TaskSpec = {
  name: "build-web",
  summary: "Build the browser app as a static site (page, MNIST files, _headers).",
  flags: {
    out: {
      type: "string",
      value: "DIR",
      help: `Site folder, replaced whole (default ${defaultWebConfig().distDir})`,
    },
    "data-dir": DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const outDir = outFlag(flags, defaultWebConfig().distDir, "dist/site");
  const site = await buildSite({ outDir, dataDir: dataDirFlag(flags), signal });
  for (const [name, bytes] of Object.entries(site.files)) {
    console.log(`${name.padEnd(32)} ${formatBytes(bytes).padStart(9)}`);
  }
  console.log(`Wrote ${outDir}/ (serve it with the COOP/COEP headers for wasm threads)`);
});
