/**
 * `bench/pytorch_bench.py` builds its PyTorch models from our architecture data: the committed
 * seed file matches the registry, and every layer kind builds a model with the same trainable
 * parameters as ours and trains a step. Skipped where /usr/bin/python3 has no torch.
 */
import assert from "node:assert/strict";
import { ARCHITECTURE_NAMES, getArchitecture } from "../../lib/models/architectures.ts";
import { architecturesJson } from "../../lib/models/architectures_json.ts";
import { resolveArchitecture } from "../../lib/models/resolve_architecture.ts";
import { summarize } from "../../lib/models/summarize.ts";
import type { Architecture } from "../../lib/models/architecture.ts";
import { useCpu } from "../_synthetic.ts";
import { KINDS } from "../models/arch_file/_kinds.ts";

const ROOT = new URL("../../", import.meta.url);
const PYTHON = "/usr/bin/python3";
const HAS_TORCH = await new Deno.Command(PYTHON, { args: ["-c", "import torch"] }).output()
  .then((o) => o.success, () => false);

/** Runs the bench for `archs` for one step; returns its JSON rows. */
async function bench(archs: string[], extra: string[] = []): Promise<Record<string, unknown>[]> {
  const output = await new Deno.Command(PYTHON, {
    args: [
      "bench/pytorch_bench.py",
      ...["--arch", archs.join(","), "--steps", "1", "--warmup", "0", "--threads", "1"],
      ...["--json", ...extra],
    ],
    cwd: ROOT,
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert.equal(output.code, 0, stderr);
  return new TextDecoder().decode(output.stdout).trim().split("\n").map((l) => JSON.parse(l));
}

Deno.test("bench/architectures.json is `summary --arch-json` of the four seeds", async () => {
  const committed = JSON.parse(await Deno.readTextFile(new URL("bench/architectures.json", ROOT)));
  const fresh = JSON.parse(architecturesJson(ARCHITECTURE_NAMES.map(getArchitecture)));
  assert.deepEqual(
    committed,
    fresh,
    "run: deno task summary --arch-json > bench/architectures.json",
  );
});

Deno.test({
  name: "pytorch_bench.py builds the seeds from bench/architectures.json",
  ignore: !HAS_TORCH,
  fn: async () => {
    const rows = await bench([...ARCHITECTURE_NAMES]);
    assert.deepEqual(
      rows.map((r) => [r.arch, r.params, r.batch]),
      ARCHITECTURE_NAMES.map((name) => {
        const arch = getArchitecture(name);
        return [name, arch.expectedParams, arch.recipe.batchSize];
      }),
    );
  },
});

Deno.test({
  name: "pytorch_bench.py --arch-json: every layer kind, and a Keras file, as our models are",
  ignore: !HAS_TORCH,
  fn: async () => {
    await useCpu();
    const lenet = resolveArchitecture(
      await Deno.readTextFile(new URL("examples/lenet5.keras.json", ROOT)),
    );
    const archs: Architecture[] = [KINDS, lenet];
    const file = await Deno.makeTempFile({ suffix: ".json" });
    try {
      await Deno.writeTextFile(file, architecturesJson(archs));
      const rows = await bench(archs.map((a) => a.name), ["--arch-json", file]);
      assert.deepEqual(
        rows.map((r) => [r.arch, r.params]),
        archs.map((a) => [a.name, summarize(a).trainableParams]),
      );
      assert.ok(rows.every((r) => Number(r.msPerStep) > 0));
    } finally {
      await Deno.remove(file);
    }
  },
});

Deno.test({
  name: "pytorch_bench.py names an unknown architecture in one line, exit 2",
  ignore: !HAS_TORCH,
  fn: async () => {
    const output = await new Deno.Command(PYTHON, {
      args: ["bench/pytorch_bench.py", "--arch", "nope"],
      cwd: ROOT,
    }).output();
    assert.equal(output.code, 2);
    assert.match(new TextDecoder().decode(output.stderr), /unknown architecture "nope"/);
  },
});
