import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import * as tfwasm from "@tensorflow/tfjs-backend-wasm";
import { getWasmInfo, initWasmBackend, wasmDistUrl } from "../../../lib/backend/wasm/init_wasm.ts";

const canRun = (await Deno.permissions.query({ name: "run", command: Deno.execPath() }))
  .state === "granted";

Deno.test("wasmDistUrl() is the package folder holding the .wasm files", () => {
  const dist = wasmDistUrl();
  assert.match(dist, /^file:.*\/$/);
  for (const file of ["tfjs-backend-wasm-simd.wasm", "tfjs-backend-wasm-threaded-simd.wasm"]) {
    assert.ok(Deno.statSync(new URL(file, dist)).size > 100_000, file);
  }
});

Deno.test("initWasmBackend() is idempotent and reports the flavour that runs", async () => {
  const [first, second] = await Promise.all([initWasmBackend(), initWasmBackend()]);
  assert.equal(first, second);
  assert.equal(await initWasmBackend({ threads: 1 }), first, "later options are ignored");
  assert.equal(getWasmInfo(), first);
  assert.equal(first.threads, tfwasm.getThreadsCount());
  assert.equal(first.flavour, first.threads > 1 ? "threaded-simd" : "simd");
});

Deno.test("initWasmBackend() does not switch the active backend", async () => {
  await tf.setBackend("cpu");
  await initWasmBackend();
  assert.equal(tf.getBackend(), "cpu");
  await tf.setBackend("wasm");
  assert.equal(tf.getBackend(), "wasm");
});

/** Runs a snippet (stdin) in a fresh `deno run` with `flags`; returns exit code and output. */
async function runSnippet(code: string, flags: string[], env: Record<string, string> = {}) {
  const init = new URL("../../../lib/backend/wasm/init_wasm.ts", import.meta.url).href;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, "-"],
    env,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000), // a hang fails the test instead of stalling it
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(
    new TextEncoder().encode(`import { initWasmBackend } from "${init}";\n${code}`),
  );
  await writer.close();
  const { code: exit, stdout, stderr } = await child.output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { exit, out: decode(stdout) + decode(stderr) };
}

Deno.test({
  name: "initWasmBackend() without read access fails with the flag to add",
  ignore: !canRun,
  async fn() {
    const { exit, out } = await runSnippet(
      `try { await initWasmBackend(); } catch (e) { console.log(e.name, e.message); }`,
      [],
    );
    assert.equal(exit, 0, out);
    assert.match(out, /BackendUnavailableError The wasm backend needs --allow-read=/);
  },
});

Deno.test({
  name: "a threaded-simd process exits by itself once its work is done",
  ignore: !canRun,
  async fn() {
    const { exit, out } = await runSnippet(
      `const info = await initWasmBackend({ threads: 2 });
       const tf = await import("@tensorflow/tfjs");
       await tf.setBackend("wasm");
       const x = tf.ones([64, 64]);
       console.log(info.flavour, info.threads, tf.matMul(x, x).dataSync()[0]);`,
      ["--allow-read=node_modules"],
    );
    assert.equal(exit, 0, out);
    assert.match(out, /threaded-simd 2 64/);
  },
});

Deno.test({
  name: "MNIST_WASM_THREADS picks the flavour when --allow-env grants it",
  ignore: !canRun,
  async fn(t) {
    const report = `console.log(JSON.stringify(await initWasmBackend().catch((e) => e.message)));`;
    const flags = ["--allow-read=node_modules", "--allow-env=MNIST_WASM_THREADS"];
    const cases: [string, string][] = [
      ["1", `{"flavour":"simd","threads":1}`],
      ["3", `{"flavour":"threaded-simd","threads":3}`],
      ["many", `"MNIST_WASM_THREADS must be an integer from 1 to 8, got \\"many\\""`],
    ];
    for (const [value, expected] of cases) {
      await t.step(value, async () => {
        const { exit, out } = await runSnippet(report, flags, { MNIST_WASM_THREADS: value });
        assert.equal(exit, 0, out);
        assert.equal(out.trim(), expected);
      });
    }
    await t.step("ignored without --allow-env", async () => {
      const { out } = await runSnippet(report, ["--allow-read=node_modules"], {
        MNIST_WASM_THREADS: "3",
      });
      assert.doesNotMatch(out, /"threads":3/);
    });
  },
});
