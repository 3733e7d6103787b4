/**
 * The tasks as a user runs them: `deno task NAME …` with the permissions in deno.json.
 */
import assert from "node:assert/strict";

import { HAS_DATASET, ROOT, task } from "./_deno_task.ts";

const TASKS = [
  "train",
  "evaluate",
  "predict",
  "summary",
  "compare-models",
  "data",
  "devices",
  "bench",
  "report",
  "samples",
  "misclassified",
  "confusion",
  "filters",
];

Deno.test("every task prints its usage for --help and exits 0", async (t) => {
  for (const name of TASKS) {
    await t.step(name, async () => {
      const { code, stdout } = await task(name, "--help");
      assert.equal(code, 0);
      assert.match(stdout, new RegExp(`^Usage: deno task ${name} \\[options\\]`));
    });
  }
});

Deno.test("a bad flag, a bad value or a missing model gives one error line and exit 2", async (t) => {
  const cases: [string[], RegExp][] = [
    [["train", "--epoch", "3"], /--epoch/],
    [["train", "--epochs", "three"], /--epochs must be an integer/],
    [["train", "--arch", "resnet"], /--arch must be one of mlp, cnn-basic, cnn-wide, cnn-deep/],
    [["compare-models", "--arch", "mlp,nope"], /unknown architecture "nope"/],
    [["evaluate", "--model", "models/does-not-exist"], /No saved model in models\/does-not-exist/],
    [["predict", "--model", "models/x"], /exactly one of --index N or --image FILE/],
    [["summary", "stray"], /positional|argument/i],
  ];
  for (const [args, message] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, stderr } = await task(...args);
      assert.equal(code, 2, stderr);
      const lines = stderr.trim().split("\n");
      assert.match(lines[0]!, /^error: /);
      assert.match(lines[0]!, message);
      assert.ok(lines.length <= 2, `at most the error and a usage hint:\n${stderr}`);
      assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
    });
  }
});

Deno.test("summary prints Keras' total line for cnn-deep", async () => {
  const { code, stdout } = await task("summary", "--arch", "cnn-deep");
  assert.equal(code, 0);
  assert.match(stdout, /^Total params: 93,322$/m);
});

Deno.test({
  name: "train --json prints one JSON document on stdout and nothing else",
  ignore: !HAS_DATASET,
  async fn() {
    const out = `models/.test-${crypto.randomUUID().slice(0, 8)}`;
    try {
      const { code, stdout, stderr } = await task(
        "train",
        "--arch",
        "mlp",
        "--epochs",
        "1",
        "--limit",
        "500",
        "--seed",
        "1",
        "--out",
        out,
        "--json",
      );
      assert.equal(code, 0, stderr);
      const doc = JSON.parse(stdout);
      assert.equal(doc.arch, "mlp");
      assert.equal(doc.trainCount, 500);
      assert.equal(doc.params, 101_770);
      assert.equal(doc.history.length, 1);
      assert.deepEqual(Object.keys(doc.test).sort(), ["accuracy", "count", "loss", "wrong"]);
      assert.equal(doc.test.count, 10_000);
      assert.ok(doc.test.accuracy > 0.5, `accuracy ${doc.test.accuracy}`);
      const evaluated = await task("evaluate", "--model", out, "--json");
      assert.equal(evaluated.code, 0, evaluated.stderr);
      assert.equal(JSON.parse(evaluated.stdout).wrong, doc.test.wrong);
      const predicted = await task("predict", "--model", out, "--index", "0", "--json");
      const p = JSON.parse(predicted.stdout);
      assert.equal(p.probabilities.length, 10);
      assert.ok(Math.abs(p.probabilities.reduce((a: number, b: number) => a + b, 0) - 1) < 1e-4);
    } finally {
      await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test({
  name: "compare-models --json prints one row per architecture",
  ignore: !HAS_DATASET,
  async fn() {
    const { code, stdout, stderr } = await task(
      "compare-models",
      "--arch",
      "mlp,cnn-basic",
      "--epochs",
      "1",
      "--limit",
      "300",
      "--json",
    );
    assert.equal(code, 0, stderr);
    const { rows } = JSON.parse(stdout);
    assert.deepEqual(rows.map((r: { arch: string }) => r.arch), ["mlp", "cnn-basic"]);
    for (
      const key of [
        "params",
        "secondsPerEpoch",
        "imagesPerSecond",
        "accuracy",
        "wrong",
        "seedAccuracy",
        "difference",
      ]
    ) {
      assert.ok(key in rows[0], key);
    }
  },
});
