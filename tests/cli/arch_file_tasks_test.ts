/**
 * `--arch-file` as a user runs it (`deno task …` with deno.json's permissions): a bad file or
 * flag combination is one error line naming the file, the layer and the field, and exit 2,
 * before any data is loaded or anything trained.
 */
import assert from "node:assert/strict";
import { HAS_DATASET, ROOT, task } from "./_deno_task.ts";

const LENET = "examples/lenet5.keras.json";

/** Writes LeNet with one edit into `archs/` (a folder the tasks may read). */
async function variant(
  dir: string,
  name: string,
  edit: (layers: { class_name: string; config: Record<string, unknown> }[]) => void,
): Promise<string> {
  const json = JSON.parse(await Deno.readTextFile(`${ROOT}${LENET}`));
  edit(json.config.layers);
  const path = `${dir}/${name}`;
  await Deno.writeTextFile(`${ROOT}${path}`, JSON.stringify(json));
  return path;
}

Deno.test("--arch-file: a bad file or flag is one line and exit 2 on every task", async (t) => {
  const hadArchs = await Deno.stat(`${ROOT}archs`).then(() => true, () => false);
  const dir = `archs/.test-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${ROOT}${dir}`, { recursive: true });
  try {
    const dilated = await variant(
      dir,
      "dilated.json",
      (l) => (l[1]!.config.dilation_rate = [2, 2]),
    );
    const lstm = await variant(dir, "lstm.json", (l) => (l[3]!.class_name = "LSTM"));
    const cases: [string[], RegExp][] = [
      [
        ["train", "--arch-file", dilated],
        /^error: archs\/.*\/dilated\.json: layer 1 "conv2d" \(Conv2D\): "dilation_rate" \[2,2\] is not supported/,
      ],
      [
        ["summary", "--arch-file", lstm],
        /layer 3 "conv2d_1" \(LSTM\): "class_name" must be one of/,
      ],
      [["compare-models", "--arch", "cnn-deep", "--arch-file", dilated], /"dilation_rate"/],
      [["bench", "--arch-file", lstm], /layer 3 "conv2d_1" \(LSTM\): "class_name"/],
      [
        ["train", "--arch", "cnn-deep", "--arch-file", LENET],
        /give --arch or --arch-file, not both/,
      ],
      [["train", "--arch-file", `${dir}/none.json`], /none\.json: cannot read it/],
      [
        ["compare-models", "--arch-file", LENET, "--arch-file", LENET],
        /two architectures are named "lenet5"/,
      ],
      [
        ["train", "--arch-file", LENET, "--optimizer", "adagrad"],
        /--optimizer must be one of adam, rmsprop, sgd/,
      ],
    ];
    for (const [args, message] of cases) {
      await t.step(args.join(" "), async () => {
        const { code, stderr } = await task(...args);
        assert.equal(code, 2, stderr);
        const lines = stderr.trim().split("\n");
        assert.ok(lines.length <= 2, `the error and at most a usage hint:\n${stderr}`);
        assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
        assert.match(lines[0]!, message);
      });
    }
  } finally {
    await Deno.remove(`${ROOT}${dir}`, { recursive: true });
    if (!hadArchs) await Deno.remove(`${ROOT}archs`).catch(() => {});
  }
});

Deno.test("train --engine compiled on a model outside the engines is an error naming the layer and field", async () => {
  const hadArchs = await Deno.stat(`${ROOT}archs`).then(() => true, () => false);
  const dir = `archs/.test-${crypto.randomUUID().slice(0, 8)}`;
  const out = `models/.test-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${ROOT}${dir}`, { recursive: true });
  try {
    // LeNet-5 ending in a linear Dense and a softmax Activation layer (the engines apply
    // softmax only in the last dense).
    const bn = await variant(dir, "softmax.json", (l) => {
      l.at(-1)!.config.activation = "linear";
      l.push({ class_name: "Activation", config: { name: "softmax", activation: "softmax" } });
    });
    const args = ["--epochs", "1", "--limit", "64", "--backend", "wasm", "--out", out];
    const { code, stderr } = await task(
      "train",
      "--arch-file",
      bn,
      "--engine",
      "compiled",
      ...args,
    );
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      /^error: --engine compiled is unavailable: .*'s layer 8 \(activation\): "activation" is "softmax"/m,
    );
  } finally {
    await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
    if (!hadArchs) await Deno.remove(`${ROOT}archs`).catch(() => {});
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
});

Deno.test({
  name: "train --engine compiled trains LeNet-5 (tanh convs, average pools) on the wasm engine",
  ignore: !HAS_DATASET,
  async fn() {
    const out = `models/.test-${crypto.randomUUID().slice(0, 8)}`;
    try {
      const args = ["--epochs", "1", "--limit", "64", "--backend", "wasm", "--out", out];
      const { code, stdout, stderr } = await task(
        "train",
        "--arch-file",
        LENET,
        "--engine",
        "compiled",
        ...args,
      );
      assert.equal(code, 0, stderr);
      assert.match(
        stdout + stderr,
        /Engine: compiled \(the whole step as one fused plan on wasm\)/,
      );
    } finally {
      await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("train --help states the recipe of a file: adam, 0.001, batch 32, 5 epochs", async () => {
  const { code, stdout } = await task("train", "--help");
  assert.equal(code, 0);
  for (
    const value of [
      "adam for --arch-file",
      "0.001 for --arch-file",
      "32 for --arch-file",
      "5 for --arch-file",
    ]
  ) {
    assert.ok(stdout.includes(value), value);
  }
});
