import assert from "node:assert/strict";
import {
  reportMarkdown,
  verdict,
  writeGpuVerifyReport,
} from "../../lib/gpu_verify/write_report.ts";
import type { GpuVerifyReport } from "../../lib/gpu_verify/types.ts";

const report: GpuVerifyReport = {
  started: "2026-11-28T00:00:00.000Z",
  quick: false,
  adapter: { description: "Test GPU", isFallbackAdapter: false },
  phases: [{
    id: 2,
    name: "kernel parity at real shapes",
    status: "failed",
    seconds: 1.25,
    checks: [
      { name: "Conv2D ok", ok: true, detail: "relative error 1e-7" },
      { name: "Conv2DBackpropFilter b65", ok: false, detail: "relative error 3e-2 | big" },
    ],
    errors: ["WebGPU validation error: too big\nsecond line"],
    details: { plans: { splits: 9 } },
    tables: [{
      title: "speed | b64",
      rows: [{ arch: "cnn-deep", msPerStep: 0.123456, ratio: null, error: 1.294e-5 }, {
        arch: "mlp",
        msPerStep: 12,
        ratio: 2.5,
        error: 0,
      }],
    }],
  }],
  finished: false,
  ok: false,
};

Deno.test("reportMarkdown() puts failed checks first and keeps tables intact", () => {
  const md = reportMarkdown(report);
  assert.match(md, /: unfinished/);
  assert.match(md, /\| 2 kernel parity at real shapes \| ❌ failed \| 1\.3 \| 1\/2 \|/);
  const failed = md.indexOf("Conv2DBackpropFilter b65 | FAIL");
  assert.ok(failed > 0 && failed < md.indexOf("Conv2D ok | ok"), md);
  assert.match(md, /3e-2 \\\| big/); // a "|" in a cell is escaped
  assert.match(md, /- `WebGPU validation error: too big second line`/);
});

Deno.test("reportMarkdown() shows a phase's tables: columns from the rows, 4 digits, — for none", () => {
  const md = reportMarkdown(report);
  assert.match(
    md,
    /\*\*speed \\\| b64\*\*\n\n\| arch \| msPerStep \| ratio \| error \|\n\|---\|---\|---\|---\|/,
  );
  assert.match(md, /\| cnn-deep \| 0\.1235 \| — \| 1\.29e-5 \|/);
  assert.match(md, /\| mlp \| 12 \| 2\.500 \| 0 \|/);
});

Deno.test("writeGpuVerifyReport() writes the JSON and the Markdown into a new folder", async () => {
  const dir = await Deno.makeTempDir();
  const { json, markdown } = await writeGpuVerifyReport(`${dir}/deep/out`, report);
  assert.deepEqual(JSON.parse(await Deno.readTextFile(json)), report);
  assert.equal(await Deno.readTextFile(markdown), reportMarkdown(report));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("verdict() names the skipped phases of a passing run, and never calls a failed one passed", () => {
  const phase = report.phases[0]!;
  const skipped = { ...phase, status: "skipped" as const, checks: [] };
  const done = { ...report, finished: true, ok: true };
  assert.equal(verdict({ ...done, phases: [{ ...phase, status: "passed" }] }), "all phases passed");
  assert.equal(
    verdict({ ...done, phases: [{ ...skipped, id: 3 }, { ...skipped, id: 4 }] }),
    "passed; phases 3, 4 skipped",
  );
  assert.equal(verdict({ ...done, phases: [{ ...skipped, id: 3 }] }), "passed; phase 3 skipped");
  assert.equal(verdict({ ...done, ok: false }), "FAILED");
  assert.equal(verdict(report), "unfinished");
});
