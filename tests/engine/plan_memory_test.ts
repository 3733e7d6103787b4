/**
 * Issue 19's batch bounds: a batch whose step does not fit the engine that would run it is
 * refused before any large allocation, with one line naming the need, the limit and the
 * largest batch that fits (was: a raw `WebAssembly.Memory()` error, a fallback to the tfjs
 * path and a worker crash at 2.4 GB, or no progress in 300 s at 4.5 GB).
 */
import assert from "node:assert/strict";
import { planTraining } from "../../lib/engine/plan.ts";
import { checkBatchMemory, MemoryLimitError, planMemory } from "../../lib/engine/plan_memory.ts";
import { createCpuEngine } from "../../lib/engine/wasm/cpu_engine.ts";
import { WASM_MAX_MEMORY_BYTES, WASM_PAGE_BYTES } from "../../lib/engine/wasm/_memory.ts";
import { PLAIN_WASM_BASE64 } from "../../lib/engine/wasm/_wasm_binary.ts";
import { engineDevice } from "../../lib/engine/webgpu/engine_device.ts";
import { createWebGpuExecutor } from "../../lib/engine/webgpu/executor.ts";
import { HAS_WEBGPU } from "../backend/webgpu/_gpu_test_utils.ts";
import { syntheticSplit } from "../_synthetic.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const ADAM = { kind: "adam", learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } as const;

function refusal(message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof MemoryLimitError, String(error));
    assert.match(error.message, message);
    return true;
  };
}

Deno.test("planMemory() sums the plan's step buffers; checkBatchMemory() finds the exact largest batch", () => {
  const plan = planTraining("cnn-basic", 100);
  const memory = planMemory(plan);
  assert.equal(memory.stepBytes, plan.buffers.reduce((sum, b) => sum + 4 * b.elements, 0));
  assert.equal(memory.largest.name, "act:0"); // the first conv's output, 28×28×32 per image ("same" padding)
  assert.equal(memory.largest.bytes, 100 * 28 * 28 * 32 * 4);
  const needAt = (b: number) => planMemory(planTraining("cnn-basic", b)).stepBytes;
  const limit = 1e9;
  assert.throws(
    () =>
      checkBatchMemory({
        engine: "e",
        arch: "cnn-basic",
        batchSize: 60_000,
        needAt,
        limit,
        limitName: "l",
      }),
    (error: unknown) => {
      assert.ok(error instanceof MemoryLimitError);
      const fits = Number(/the largest batch that fits is (\d+)$/.exec(error.message)?.[1]);
      assert.ok(needAt(fits) <= limit && needAt(fits + 1) > limit, `${fits}`);
      assert.equal(error.need, needAt(60_000));
      return true;
    },
  );
});

Deno.test("the CPU engine's limit is the memory maximum its kernels declare", () => {
  const module = new WebAssembly.Module(
    Uint8Array.from(atob(PLAIN_WASM_BASE64.replaceAll("\n", "")), (c) => c.charCodeAt(0)),
  );
  const instantiate = (pages: number) =>
    new WebAssembly.Instance(module, {
      env: { memory: new WebAssembly.Memory({ initial: 2, maximum: pages, shared: true }) },
    });
  instantiate(WASM_MAX_MEMORY_BYTES / WASM_PAGE_BYTES);
  assert.throws(
    () => instantiate(WASM_MAX_MEMORY_BYTES / WASM_PAGE_BYTES + 1),
    WebAssembly.LinkError,
  );
});

Deno.test("createCpuEngine() refuses a batch past its memory maximum before allocating it", async () => {
  const before = Deno.memoryUsage().rss;
  await assert.rejects(
    createCpuEngine({
      arch: "cnn-basic",
      batchSize: 60_000,
      samples: 60_000,
      optimizer: ADAM,
      threads: 1,
    }),
    refusal(
      /^Batch size 60000 needs 2\d\.\d GB on the compiled CPU engine \(cnn-basic\), more than its WebAssembly memory maximum of 2\.1 GB; the largest batch that fits is \d{4}$/,
    ),
  );
  assert.ok(Deno.memoryUsage().rss - before < 100e6, "nothing large was allocated");
});

Deno.test({
  name: "the WebGPU executor refuses a buffer past the device's limit before creating any",
  ignore: !HAS_WEBGPU,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const device = await engineDevice();
    const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
    // A batch whose first activation (28×28×32 floats per image) is past the limit.
    const batchSize = Math.ceil(limit / (28 * 28 * 32 * 4)) + 1;
    const train = syntheticSplit(batchSize, 1);
    await assert.rejects(
      () => createWebGpuExecutor({ device, arch: "cnn-basic", batchSize, optimizer: ADAM, train }),
      refusal(
        new RegExp(
          `^Batch size ${batchSize} needs .* on the compiled WebGPU engine \\(cnn-basic\\), more than this GPU's largest storage buffer \\(act:0\\) of .*; the largest batch that fits is \\d+$`,
        ),
      ),
    );
  },
});

Deno.test("train: a batch that fits no engine is one line and exit 2, on the compiled engine and on tfjs", async (t) => {
  const out = `models/.test-mem-${crypto.randomUUID().slice(0, 8)}`;
  const cases: [string, string[], RegExp][] = [
    [
      "60000, compiled (was a raw wasm error, then a worker crash at 2.4 GB)",
      ["--batch-size", "60000"],
      /^error: Batch size 60000 needs .* on the compiled CPU engine \(cnn-basic\).*the largest batch that fits is \d+$/,
    ],
    [
      "20000 on the tfjs path (was no progress in 300 s at 4.5 GB)",
      ["--batch-size", "20000", "--engine", "tfjs"],
      /^error: Batch size 20000 needs .* on the tfjs path on wasm \(cnn-basic\), more than its heap limit.*the largest batch that fits is \d+$/,
    ],
  ];
  try {
    for (const [name, args, message] of cases) {
      await t.step(name, async () => {
        const output = await new Deno.Command(Deno.execPath(), {
          args: [
            "task",
            "-q",
            "train",
            "--arch",
            "cnn-basic",
            "--backend",
            "wasm",
            "--epochs",
            "1",
            "--out",
            out,
            ...args,
          ],
          cwd: ROOT,
          env: { NO_COLOR: "1" },
          stdin: "null",
          signal: AbortSignal.timeout(120_000),
        }).output();
        const stderr = new TextDecoder().decode(output.stderr);
        assert.equal(output.signal, null, "killed after 120 s");
        assert.equal(output.code, 2, stderr);
        const lines = stderr.trim().split("\n").filter((l) => !l.includes("XDG_RUNTIME_DIR"));
        assert.match(lines[0]!, message);
        assert.ok(lines.length === 1 || /^Run "deno task/.test(lines[1]!), stderr);
      });
    }
  } finally {
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
  }
});
