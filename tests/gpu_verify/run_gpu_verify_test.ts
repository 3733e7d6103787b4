import assert from "node:assert/strict";
import { runGpuVerify } from "../../lib/gpu_verify/run_gpu_verify.ts";
import type { GpuVerifyReport } from "../../lib/gpu_verify/types.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";

const read = async (dir: string) =>
  JSON.parse(await Deno.readTextFile(`${dir}/gpu-verify.json`)) as GpuVerifyReport;

Deno.test({
  name: "runGpuVerify() writes the report after the preflight, every phase and every engine cell",
  ignore: !HAS_WEBGPU,
  async fn() {
    const out = await Deno.makeTempDir();
    const seen: number[] = [];
    const midPhase: string[] = [];
    try {
      const report = await runGpuVerify({
        out,
        quick: true,
        phases: [0, 1, 6],
        onLog: (line) => {
          // Phase 1's second cell starts: the first one's row is on disk, the phase `running`.
          if (!line.startsWith("engine: cnn-deep b4")) return;
          const written = JSON.parse(
            Deno.readTextFileSync(`${out}/gpu-verify.json`),
          ) as GpuVerifyReport;
          const running = written.phases.at(-1)!;
          midPhase.push(`${running.id} ${running.status} ${running.tables?.[0]?.rows.length}`);
        },
        onPhase: async (phase) => {
          // The file on disk already holds this phase when the run moves on.
          const written = await read(out);
          seen.push(written.phases.length);
          assert.equal(written.phases.at(-1)?.id, phase.id);
          assert.equal(written.finished, false);
        },
      });
      assert.deepEqual(seen, [1, 2, 3]);
      assert.deepEqual(midPhase, ["1 running 1"]);
      assert.equal(report.finished, true);
      const final = await read(out);
      assert.equal(final.finished, true);
      assert.ok(final.preflight && "vulkanIcds" in final.preflight, "preflight in the report");
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});

Deno.test({
  name: "runGpuVerify() skips a phase the budget no longer holds, saying so, and still writes",
  ignore: !HAS_WEBGPU,
  async fn() {
    const out = await Deno.makeTempDir();
    try {
      // The whole budget is reserve: nothing is left for any phase that needs time.
      const report = await runGpuVerify({
        out,
        quick: true,
        phases: [1, 6],
        budgetSeconds: 10,
        reserveSeconds: 10,
      });
      assert.deepEqual(report.phases.map((p) => p.status), ["skipped", "skipped"]);
      for (const phase of report.phases) {
        assert.match(String(phase.details.skipped), /s left of the budget; the phase needs \d+ s/);
        assert.equal(phase.checks.length, 0);
      }
      assert.equal(report.ok, true);
      assert.deepEqual((await read(out)).phases.map((p) => p.id), [1, 6]);
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  },
});
