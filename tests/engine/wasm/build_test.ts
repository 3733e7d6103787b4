import assert from "node:assert/strict";
import {
  buildKernels,
  CLANG,
  OUTPUT,
  renderBinaryModule,
} from "../../../lib/engine/wasm/_build.ts";

async function hasClang(): Promise<boolean> {
  try {
    return (await new Deno.Command(CLANG, { args: ["--version"], stdout: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

Deno.test({
  name: "cpu engine: the committed wasm is what the C sources compile to",
  ignore: !(await hasClang()),
  fn: async () => {
    const expected = renderBinaryModule(await buildKernels());
    assert.ok(
      (await Deno.readTextFile(OUTPUT)) === expected,
      `${OUTPUT} is stale: run deno run --allow-read=lib --allow-write=lib ` +
        `--allow-run=${CLANG} tools/build_wasm.ts`,
    );
  },
});

Deno.test("cpu engine: starts its worker threads and trains with no permissions at all", async () => {
  const script = `
    import { createCpuEngine } from "${
    new URL("../../../lib/engine/wasm/cpu_engine.ts", import.meta.url).href
  }";
    const engine = await createCpuEngine({ arch: "mlp", batchSize: 4, samples: 4, threads: 2,
      optimizer: { kind: "sgd", learningRate: 0.1 } });
    engine.labels.set([1, 2, 3, 4]);
    engine.order.set([0, 1, 2, 3]);
    engine.step(4, 0, [1]);
    console.log(engine.threads, engine.simd, engine.takeSums().loss > 0);
    engine.dispose();`;
  // `deno run` of a file grants nothing (`deno eval` would grant everything).
  const file = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(file, script);
  const { success, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-prompt", "--no-config", file],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(file);
  const out = new TextDecoder().decode(stdout).trim();
  assert.ok(success, new TextDecoder().decode(stderr));
  assert.match(out, /^2 (relaxed|plain) true$/);
});
