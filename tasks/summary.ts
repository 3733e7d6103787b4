/**
 * `deno task summary [--arch X] [--arch-file FILE] [--arch-json]`: a Keras-style summary of
 * architectures, or their data as JSON (what `bench/pytorch_bench.py --arch-json` reads).
 *
 * @example
 * ```sh
 * deno task summary --arch cnn-deep
 * ```
 * @module
 */
import { ARCHITECTURE_NAMES } from "../lib/models/architectures.ts";
import { renderSummary, summarize } from "../lib/models/summarize.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { ARCH_FILES_FLAG, architecturesFromFlags } from "../lib/cli/arch_flags.ts";
import { JSON_FLAG } from "../lib/cli/common_flags.ts";
import { architecturesJson } from "../lib/models/architectures_json.ts";

const spec = {
  name: "summary",
  summary: "Print a Keras-style summary (layers, output shapes, parameters) of architectures.",
  flags: {
    arch: { type: "string" as const, value: "A,B", help: "Architectures (default all four)" },
    "arch-file": ARCH_FILES_FLAG,
    json: JSON_FLAG,
    "arch-json": {
      type: "boolean" as const,
      help: "Print the architectures' data (layers, recipe) as JSON, for bench/pytorch_bench.py",
    },
  },
};

await runTask(spec, async (flags) => {
  const archs = await architecturesFromFlags(flags, ARCHITECTURE_NAMES);
  if (flags["arch-json"]) return console.log(architecturesJson(archs));
  await selectBackend("cpu");
  const summaries = archs.map((arch) => summarize(arch));
  if (flags.json) console.log(JSON.stringify(summaries, null, 2));
  else console.log(summaries.map(renderSummary).join("\n\n"));
});
