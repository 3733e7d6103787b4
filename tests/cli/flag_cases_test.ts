/**
 * Issue 19's flag cases as a user meets them (`deno task NAME …` with deno.json's permissions):
 * empty or blank paths, an `--out` that is no folder of ours, contradicting flags, a huge flag
 * value, a validation split that holds out nothing. Each is one `error:` line and exit 2,
 * before any training starts.
 */
import assert from "node:assert/strict";
import { archListFlag } from "../../lib/cli/arch_flags.ts";
import { ROOT, task } from "./_deno_task.ts";
import { dataDirFlag } from "../../lib/cli/data_flags.ts";

function assertOneLine(stderr: string, message: RegExp): void {
  // The GL loader's complaint about the sandbox's environment is not ours.
  const lines = stderr.trim().split("\n").filter((l) => !/XDG_RUNTIME_DIR/.test(l));
  assert.match(lines[0]!, /^error: /, stderr);
  assert.match(lines[0]!, message);
  assert.ok(lines.length === 1 || /^Run "deno task/.test(lines[1]!), stderr);
  assert.ok(lines.length <= 2, stderr);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
}

Deno.test("an empty or blank path is a usage error in every task (exit 2, one line)", async (t) => {
  const cases: [string, string[], RegExp][] = [
    ['--image ""', ["predict", "--model", "models/mlp", "--image", ""], /--image is empty/],
    ['--model ""', ["evaluate", "--model", ""], /--model is empty/],
    ['--data-dir ""', ["evaluate", "--model", "models/x", "--data-dir", ""], /--data-dir is/],
    ["--data-dir blank", ["data", "--data-dir", "   "], /--data-dir is blank/],
    ['train --out ""', ["train", "--out", "", "--arch", "mlp"], /--out is empty/],
    ["train --out blank", ["train", "--out", " \t", "--arch", "mlp"], /--out is blank/],
    ['compare --out ""', ["compare-models", "--out", "", "--arch", "mlp"], /--out is empty/],
    ['report --out ""', ["report", "--model", "models/x", "--out", ""], /--out is empty/],
    ['samples --out ""', ["samples", "--out", ""], /--out is empty/],
  ];
  for (const [name, args, message] of cases) {
    await t.step(name, async () => {
      const { code, stderr, stdout } = await task(...args);
      assert.equal(code, 2, stderr);
      assertOneLine(stderr, message);
      assert.doesNotMatch(stdout, /Saved to|Epoch/, "nothing was trained");
    });
  }
});

Deno.test("--out must be a folder the task may write, and the message does not name the project root", async (t) => {
  const cases: [string, string[], RegExp][] = [
    ["train --out models", ["train", "--out", "models", "--arch", "mlp"], /--out models/],
    ["train --out outside", ["train", "--out", "/tmp/elsewhere/mlp", "--arch", "mlp"], /--out/],
    ["train --out .", ["train", "--out", ".", "--arch", "mlp"], /--out "\."/],
    ["compare --out outside", ["compare-models", "--out", "/tmp/x.md", "--arch", "mlp"], /--out/],
    ["samples --out at the root", ["samples", "--out", "samples.png"], /--out "samples\.png"/],
  ];
  for (const [name, args, message] of cases) {
    await t.step(name, async () => {
      const { code, stderr } = await task(...args);
      assert.equal(code, 2, stderr);
      assertOneLine(stderr, message);
      assert.match(stderr, /models\/|reports\//, "says where a model may go");
      assert.ok(!stderr.includes(`"${ROOT.replace(/\/$/, "")}"`), stderr);
      assert.ok(!stderr.includes(`${ROOT}.`), stderr);
    });
  }
});

Deno.test("--resume with --retrain is a usage error", async () => {
  const { code, stderr } = await task("train", "--arch", "mlp", "--resume", "--retrain");
  assert.equal(code, 2, stderr);
  assertOneLine(stderr, /--resume and --retrain/);
});

Deno.test("a 100 KB flag value is not echoed back in full", async (t) => {
  const huge = "9".repeat(100_000);
  const cases: [string, string[]][] = [
    ["number", ["train", "--epochs", huge]],
    ["choice", ["train", "--arch", huge]],
    ["path", ["evaluate", "--model", `models/${huge}`]],
    ["unknown flag", ["train", `--${huge}`]],
    ["repeated", ["train", "--seed", huge, "--seed", huge]],
  ];
  for (const [name, args] of cases) {
    await t.step(name, async () => {
      const { code, stderr } = await task(...args);
      assert.equal(code, 2, stderr.slice(0, 300));
      assert.ok(stderr.length < 600, `${stderr.length} characters: ${stderr.slice(0, 300)}`);
      assertOneLine(stderr, /characters|name too long/);
    });
  }
});

Deno.test("a validation fraction that holds out no sample is a usage error (a train split is never empty: --validation is at most 0.9)", async () => {
  const { code, stderr } = await task(
    "train",
    "--arch",
    "mlp",
    "--limit",
    "1",
    "--validation",
    "0.5",
    "--out",
    `models/.test-val-${crypto.randomUUID().slice(0, 8)}`,
  );
  assert.equal(code, 2, stderr);
  assertOneLine(stderr, /--validation 0\.5 of 1 training sample holds out none/);
});

Deno.test("compare-models --arch mlp,mlp trains mlp once, with a note", () => {
  const notes: string[] = [];
  assert.deepEqual(archListFlag({ arch: "mlp,cnn-basic,mlp" }, (n) => notes.push(n)), [
    "mlp",
    "cnn-basic",
  ]);
  assert.deepEqual(notes, ["Note: --arch names mlp more than once; each is trained once"]);
  assert.deepEqual(archListFlag({ arch: "mlp,cnn-basic" }, (n) => notes.push(n)), [
    "mlp",
    "cnn-basic",
  ]);
  assert.equal(notes.length, 1, "no note without repeats");
});

Deno.test("a blank $MNIST_DATA_DIR is a usage error, not a folder named by spaces", () => {
  const before = Deno.env.get("MNIST_DATA_DIR");
  Deno.env.set("MNIST_DATA_DIR", "  ");
  try {
    assert.throws(() => dataDirFlag({}), /\$MNIST_DATA_DIR is blank; unset it or name a folder/);
  } finally {
    if (before === undefined) Deno.env.delete("MNIST_DATA_DIR");
    else Deno.env.set("MNIST_DATA_DIR", before);
  }
});
