/**
 * `deno task summary [--arch X]`: a Keras-style summary of an architecture.
 *
 * @example
 * ```sh
 * deno task summary --arch cnn-deep
 * ```
 * @module
 */
import { buildModel } from "../lib/models/build_model.ts";
import { ARCHITECTURE_NAMES } from "../lib/models/architectures.ts";
import { renderSummary, summarize } from "../lib/models/summarize.ts";
import { selectBackend } from "../lib/backend/select_backend.ts";
import { runTask } from "../lib/cli/run_task.ts";
import { archListFlag } from "../lib/cli/compare_flags.ts";
import { JSON_FLAG } from "../lib/cli/common_flags.ts";

const spec = {
  name: "summary",
  summary: "Print a Keras-style summary (layers, output shapes, parameters) of architectures.",
  flags: {
    arch: { type: "string" as const, value: "A,B", help: "Architectures (default all four)" },
    json: JSON_FLAG,
  },
};

await runTask(spec, async (flags) => {
  await selectBackend("cpu");
  const summaries = (archListFlag(flags) ?? [...ARCHITECTURE_NAMES]).map((arch) =>
    summarize(buildModel(arch))
  );
  if (flags.json) console.log(JSON.stringify(summaries, null, 2));
  else console.log(summaries.map(renderSummary).join("\n\n"));
});
