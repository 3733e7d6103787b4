import assert from "node:assert/strict";

/** Runs a script with no permissions but reading node_modules; returns its stdout. */
async function run(code: string): Promise<string> {
  const { code: status, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--no-prompt", "--allow-read=node_modules", "--ext=ts", code],
    cwd: new URL("../", import.meta.url),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(status, 0, new TextDecoder().decode(stderr));
  return new TextDecoder().decode(stdout).trim();
}

Deno.test("importing mod.ts registers no backend and reads no environment", async () => {
  // --no-prompt without --allow-env: an environment read at import time would throw.
  const out = await run(`import * as tf from "@tensorflow/tfjs";
import "./mod.ts";
const engine = tf.engine() as unknown as { registryFactory: Record<string, unknown> };
console.log(JSON.stringify(Object.keys(engine.registryFactory)));`);
  assert.deepEqual(JSON.parse(out), ["cpu"], "only tfjs's own cpu backend is registered");
});

Deno.test("buildModel works from a plain script before any selectBackend", async () => {
  const out = await run(`import { buildModel } from "./mod.ts";
console.log(buildModel("cnn-deep", { seed: 1 }).countParams());`);
  assert.equal(out, "93322");
});
