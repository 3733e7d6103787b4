/**
 * `bench-cpu`: our engine's GFLOP/s from the plan's FLOPs and the measured step, each
 * architecture's share of cnn-deep's from the same rounds, a Keras file as an architecture,
 * and PyTorch timing that file's model from the data we pipe it (where torch is installed).
 */
import assert from "node:assert/strict";
import { benchCpu, type CpuBenchRow } from "../../lib/bench/bench_cpu.ts";
import { renderCpuBench } from "../../lib/bench/render_cpu_bench.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { stepFlops } from "../../lib/engine/plan_flops.ts";
import { getArchitecture } from "../../lib/models/architectures.ts";
import { readArchitectureFile } from "../../lib/models/arch_file/read_arch_file.ts";
import { syntheticSplit } from "../_synthetic.ts";
import { task } from "../cli/_deno_task.ts";

const LENET = new URL("../../examples/lenet5.keras.json", import.meta.url).pathname;
const HAS_TORCH = await new Deno.Command("/usr/bin/python3", { args: ["-c", "import torch"] })
  .output().then((o) => o.success, () => false);

Deno.test("bench-cpu: GFLOP/s = the plan's FLOPs over the best round, as a share of cnn-deep's", async () => {
  const lenet = await readArchitectureFile(LENET);
  const seen: CpuBenchRow[] = [];
  const { rows } = await benchCpu({
    archs: [getArchitecture("cnn-deep"), lenet],
    threads: [1],
    steps: 2,
    warmup: 1,
    rounds: 2,
    train: syntheticSplit(256),
    torch: false,
    onRow: (r) => seen.push(r),
  });
  assert.deepEqual(seen, rows);
  assert.deepEqual(rows.map((r) => [r.arch, r.batch, r.threads]), [
    ["cnn-deep", 64, 1],
    ["lenet5", 32, 1],
  ]);
  const [deep, le] = rows as [CpuBenchRow, CpuBenchRow];
  assert.equal(deep.flops, stepFlops(planTraining(getArchitecture("cnn-deep"), 64), "rmsprop"));
  assert.equal(le.flops, stepFlops(planTraining(lenet, 32), "adam"));
  for (const r of rows) {
    assert.equal(r.oursRounds.length, 2);
    assert.equal(r.oursMs, Math.min(...r.oursRounds));
    assert.ok(Math.abs(r.gflops - r.flops / r.oursMs / 1e6) < 1e-9 * r.gflops);
    assert.equal(r.torchMs, undefined);
  }
  assert.equal(deep.vsReference, 1);
  assert.equal(le.vsReference, le.gflops / deep.gflops);
  const table = renderCpuBench(rows);
  assert.match(
    table,
    /^\| arch \(batch\) \| threads \| ours ms\/step \| GFLOP\/s \| ÷ cnn-deep \|$/m,
  );
  assert.match(
    table,
    new RegExp(
      `^\\| lenet5 \\(32\\) \\| 1 \\| [0-9.]+ \\| ${le.gflops.toFixed(1)} \\| ${
        le.vsReference!.toFixed(2)
      }× \\|$`,
      "m",
    ),
  );
  assert.doesNotMatch(table, /PyTorch/);
});

Deno.test({
  name: "bench-cpu: PyTorch times a Keras file's model from the architecture data piped to it",
  ignore: !HAS_TORCH,
  fn: async () => {
    const { rows } = await benchCpu({
      archs: [await readArchitectureFile(LENET)],
      threads: [1],
      steps: 1,
      warmup: 0,
      rounds: 1,
      train: syntheticSplit(64),
      onRow: () => {},
    });
    const [row] = rows as [CpuBenchRow];
    assert.ok(row.torchMs! > 0 && row.torchRounds!.length === 1);
    assert.equal(row.ratio, row.oursMs / row.torchMs!);
    assert.equal(row.vsReference, undefined);
    assert.match(
      renderCpuBench(rows),
      /\| lenet5 \(32\) \| 1 \| .* \| – \| [0-9.]+ \| [0-9.]+× \|/,
    );
  },
});

Deno.test("bench-cpu --arch-file: a missing file is an error line and exit 2", async () => {
  const { code, stdout, stderr } = await task("bench-cpu", "--arch-file", "examples/nope.json");
  assert.equal(code, 2);
  assert.equal(stdout, "");
  assert.match(
    stderr,
    /^error: examples\/nope\.json: cannot read it .*\nRun "deno task bench-cpu --help"/,
  );
});
