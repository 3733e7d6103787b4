/**
 * The README's "Your own architecture" flow, run exactly as written: each line of the shell
 * block after the `arch-flow` marker, as a user types it (`deno task …`, deno.json's
 * permissions). Folders of the user's own (`models/lenet5`, `reports/lenet5`) are moved aside
 * for the run and put back afterwards.
 */
import assert from "node:assert/strict";
import { HAS_DATASET, ROOT, task } from "./_deno_task.ts";

/** The command lines of the README block after the marker. */
async function flowCommands(): Promise<string[][]> {
  const readme = await Deno.readTextFile(`${ROOT}README.md`);
  const after = readme.slice(readme.indexOf("<!-- arch-flow:"));
  const block = /```sh\n([\s\S]*?)```/.exec(after)?.[1];
  assert.ok(block, "the README has the arch-flow block");
  return block.trim().split("\n").map((line) => line.trim().split(/\s+/));
}

async function run(words: string[]): Promise<{ code: number; out: string }> {
  assert.deepEqual(words.slice(0, 2), ["deno", "task"]);
  const { code, stdout, stderr } = await task(...words.slice(2));
  return { code, out: stdout + stderr };
}

/** What each task of the flow must print. */
const EXPECT: Record<string, RegExp[]> = {
  summary: [/^Total params: 61,706$/m],
  train: [
    /Engine: compiled \(the whole step as one fused plan on \w+\)/,
    /Saved to models\/lenet5/,
  ],
  "compare-models": [/^cnn-deep .* 99\.16 % /m, /^lenet5 .*61,706.* — +— *$/m],
  report: [/Wrote reports\/lenet5\/report\.html/],
  predict: [/^Predicted: \d \(/m],
};

Deno.test({
  name: "README: the Your-own-architecture flow runs exactly as written",
  ignore: !HAS_DATASET,
  async fn() {
    const commands = await flowCommands();
    assert.deepEqual(commands.map((c) => c[2]), Object.keys(EXPECT));
    const aside = ["models/lenet5", "reports/lenet5"];
    const tag = `.readme-test-${crypto.randomUUID().slice(0, 8)}`;
    const moved: string[] = [];
    for (const dir of aside) {
      const moves = await Deno.rename(`${ROOT}${dir}`, `${ROOT}${dir}${tag}`).then(
        () => true,
        () => false,
      );
      if (moves) moved.push(dir);
    }
    try {
      for (const words of commands) {
        const { code, out } = await run(words);
        assert.equal(code, 0, `${words.join(" ")}\n${out}`);
        for (const pattern of EXPECT[words[2]!]!) assert.match(out, pattern, words.join(" "));
      }
      const metadata = JSON.parse(await Deno.readTextFile(`${ROOT}models/lenet5/metadata.json`));
      assert.equal(metadata.architecture.expectedParams, 61_706);
    } finally {
      for (const dir of aside) {
        await Deno.remove(`${ROOT}${dir}`, { recursive: true }).catch(() => {});
      }
      for (const dir of moved) await Deno.rename(`${ROOT}${dir}${tag}`, `${ROOT}${dir}`);
    }
  },
});
