/**
 * `deno task web`: serves the browser app on 127.0.0.1 — train on the visitor's GPU (or wasm),
 * watch the curves, draw a digit — with MNIST and the saved models beside it.
 *
 * @example
 * ```sh
 * deno task web --port 8080
 * ```
 * @module
 */
import { runTask } from "../lib/cli/run_task.ts";
import { DATA_DIR_FLAG, dataDirFlag } from "../lib/cli/data_flags.ts";
import { intFlag, type TaskSpec } from "../lib/cli/args.ts";
import { defaultWebConfig } from "../lib/defaults.ts";
import { serveSite } from "../lib/site/serve_site.ts";

const spec: TaskSpec = {
  name: "web",
  summary: "Serve the browser app (train in the browser, draw a digit) on 127.0.0.1.",
  flags: {
    port: {
      type: "string",
      value: "N",
      help: `Port on 127.0.0.1, 1-65535 (default ${defaultWebConfig().port})`,
    },
    "data-dir": DATA_DIR_FLAG,
  },
};

await runTask(spec, async (flags, { signal }) => {
  const port = intFlag(flags, "port", { min: 1, max: 65535 }) ?? defaultWebConfig().port;
  const server = await serveSite({ port, dataDir: dataDirFlag(flags), signal });
  console.log(`Serving the app at ${server.url} (Ctrl-C to stop)`);
  await server.finished;
});
