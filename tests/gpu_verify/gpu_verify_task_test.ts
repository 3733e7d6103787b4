import assert from "node:assert/strict";
import type { GpuVerifyReport } from "../../lib/gpu_verify/types.ts";
import { GPU_VERIFY_PHASES } from "../../lib/gpu_verify/phases.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";

// The task may write under reports/ only (its permissions), so the test uses a fresh folder there.
const out = `reports/.gpu-verify-test-${Deno.pid}`;

Deno.test({
  name: "deno task gpu-verify --quick runs every phase, passes, and writes both reports",
  ignore: !HAS_WEBGPU,
  async fn() {
    try {
      const result = await new Deno.Command("deno", {
        args: ["task", "gpu-verify", "--quick", "--out", out],
        stdout: "piped",
        stderr: "piped",
        env: { NO_COLOR: "1" },
      }).output();
      const text = new TextDecoder().decode(result.stdout) +
        new TextDecoder().decode(result.stderr);
      assert.equal(result.code, 0, text.slice(-3000));
      assert.match(text, /gpu-verify: (all phases passed|passed; phases? [\d, ]+ skipped)/);
      const report = JSON.parse(
        await Deno.readTextFile(`${out}/gpu-verify.json`),
      ) as GpuVerifyReport;
      assert.equal(report.finished, true);
      assert.equal(report.ok, true);
      assert.equal(report.quick, true);
      assert.deepEqual(report.phases.map((p) => p.id), GPU_VERIFY_PHASES.map((p) => p.id));
      // The engine's phases come first, ordered by value.
      assert.deepEqual(report.phases.slice(0, 5).map((p) => p.id), [0, 1, 2, 3, 4]);
      assert.match(report.phases[1]!.name, /compiled engine/);
      for (const phase of report.phases) {
        // Only PyTorch (3) and timestamp-query (4) may be missing on a machine: skipped, saying why.
        if (phase.status === "skipped" && (phase.id === 3 || phase.id === 4)) {
          assert.match(String(phase.details.skipped), /torch|CUDA|timestamp-query/);
          continue;
        }
        assert.equal(phase.status, "passed", `phase ${phase.id}: ${JSON.stringify(phase.errors)}`);
        assert.ok(phase.checks.length > 0, `phase ${phase.id} checked nothing`);
      }
      const engine = report.phases[1]!.tables?.[0]?.rows ?? [];
      assert.ok(engine.length > 0, "phase 1 has no speed table");
      for (const row of engine) {
        assert.ok(Number(row.readbackMs) > 0 && Number(row.msPerStep) > 0, JSON.stringify(row));
        assert.ok(Number(row.epochMs) >= Number(row.readbackMs), JSON.stringify(row));
      }
      const pre = report.preflight as { env: Record<string, unknown>; adapter: { info: unknown } };
      assert.ok("LD_LIBRARY_PATH" in pre.env, "the preflight lists LD_LIBRARY_PATH");
      assert.ok(pre.adapter.info, JSON.stringify(pre.adapter));
      const markdown = await Deno.readTextFile(`${out}/gpu-verify.md`);
      assert.match(markdown, /: (all phases passed|passed; phases? [\d, ]+ skipped)/);
      for (const phase of report.phases) {
        assert.match(markdown, new RegExp(`## Phase ${phase.id}: `));
      }
    } finally {
      await Deno.remove(out, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("deno task gpu-verify rejects an unknown phase with one line and exit 2", async () => {
  const result = await new Deno.Command("deno", {
    args: ["task", "gpu-verify", "--phases", "0,99", "--out", out],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  const stderr = new TextDecoder().decode(result.stderr);
  assert.equal(result.code, 2, stderr);
  assert.match(stderr, /error: Unknown phase 99/);
  assert.doesNotMatch(stderr, /^ {4}at /m);
  await Deno.remove(out, { recursive: true }).catch(() => {});
});
