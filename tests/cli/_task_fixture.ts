/**
 * A task for the run_task tests, run as a subprocess: `--mode` picks what its main does.
 * It prints "ready" once main is running, so a test knows when to send Ctrl-C.
 */
import { runTask } from "../../lib/cli/run_task.ts";
import { stringFlag } from "../../lib/cli/flag_values.ts";
import { TrainingInterruptedError } from "../../lib/errors.ts";

const mode = Deno.args[Deno.args.indexOf("--mode") + 1];
const spec = {
  name: "fixture",
  summary: "A task for tests.",
  flags: {
    mode: { type: "string" as const, help: "" },
    path: { type: "string" as const, help: "" },
  },
  // "hang" is a task that never looks at the signal (a stage like loading data).
  stopsOnSignal: mode !== "hang",
};

await runTask(spec, async (flags, { signal }) => {
  const path = stringFlag(flags, "path") ?? ".";
  if (mode === "read") await Deno.readFile(path);
  if (mode === "write") await Deno.writeFile(path, new Uint8Array(4096));
  if (mode === "mkdir") await Deno.mkdir(path, { recursive: true });
  if (mode === "bug") throw new TypeError("a bug");
  if (mode === "quick") return console.log("done");
  console.log("ready");
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 30_000);
    if (mode === "cooperative") {
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    }
  });
  if (signal.aborted) {
    throw new TrainingInterruptedError("Interrupted during epoch 2: the checkpoint holds epoch 1");
  }
});
