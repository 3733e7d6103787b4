/**
 * Issue 19: a FIFO given where a file is read (an image, a part of a model folder, a data
 * file) hung forever in `open`; a device or socket is no file either. Each is now refused
 * before it is opened. Every read runs in a subprocess with a time limit, so a regression
 * fails here instead of hanging the suite.
 */
import assert from "node:assert/strict";
import denoJson from "../../deno.json" with { type: "json" };
import { buildModel } from "../../lib/models/build_model.ts";
import { encodePng } from "../../lib/image/png.ts";
import { saveModel } from "../../lib/models/save_model.ts";
import { useCpu } from "../_synthetic.ts";
import { metadataFor } from "../models/_model_fixtures.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const LIMIT_MS = 30_000;

/** Runs `deno run` with the task's own flags (not `deno task`, whose child a kill would orphan). */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    signal: AbortSignal.timeout(LIMIT_MS),
  }).output();
  // Mesa's EGL may complain about XDG_RUNTIME_DIR on stderr when tfjs looks for a GPU.
  const text = (bytes: Uint8Array) =>
    new TextDecoder().decode(bytes).split("\n").filter((l) => !l.includes("XDG_RUNTIME_DIR"))
      .join("\n");
  assert.equal(output.signal, null, `killed after ${LIMIT_MS} ms: it hung`);
  return { code: output.code, stdout: text(output.stdout), stderr: text(output.stderr) };
}

function predict(...args: string[]) {
  const words = denoJson.tasks.predict.split(" ").slice(1); // after "deno"
  return run([...words, ...args]);
}

async function mkfifo(path: string): Promise<void> {
  const { success } = await new Deno.Command("mkfifo", { args: [path] }).output();
  assert.ok(success, `mkfifo ${path}`);
}

Deno.test("reading a FIFO, a device or a socket is refused before it is opened", async () => {
  const dir = await Deno.makeTempDir();
  try {
    // Binding a unix socket leaves its file; Deno.listen would need --allow-net for it.
    const bind = `import socket; socket.socket(socket.AF_UNIX).bind("${dir}/socket")`;
    assert.ok((await new Deno.Command("python3", { args: ["-c", bind] }).output()).success);
    await mkfifo(`${dir}/fifo`);
    await mkfifo(`${dir}/train-labels-idx1-ubyte`);
    const { stdout, code } = await run([
      "run",
      "--allow-read",
      `${ROOT}tests/fs/_read_file.ts`,
      `${dir}/fifo`,
      "/dev/null",
      `${dir}/socket`,
      `data:${dir}`,
    ]);
    assert.equal(code, 0);
    assert.deepEqual(stdout.trim().split("\n"), [
      `${dir}/fifo is a FIFO (named pipe), not a regular file`,
      "/dev/null is a character device, not a regular file",
      `${dir}/socket is a socket, not a regular file`,
      `${dir}/train-labels-idx1-ubyte is a FIFO (named pipe), not a regular file`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("predict: a FIFO as --image, metadata.json, model.json or weights.bin is one line, exit 2", async (t) => {
  const dir = `models/.test-fifo-${crypto.randomUUID().slice(0, 8)}`;
  await useCpu();
  try {
    await Deno.mkdir(`${ROOT}${dir}`, { recursive: true });
    const data = new Uint8Array(28 * 28);
    data.fill(255, 300, 320);
    await Deno.writeFile(
      `${ROOT}${dir}/digit.png`,
      encodePng({ width: 28, height: 28, channels: 1, data }),
    );
    await mkfifo(`${ROOT}${dir}/fifo.png`);
    await t.step("--image", async () => {
      const { code, stderr } = await predict("--model", dir, "--image", `${dir}/fifo.png`);
      assert.equal(code, 2, stderr);
      assert.match(
        stderr,
        /^error: .*fifo\.png is a FIFO \(named pipe\), not a regular file \(pipe it in/,
      );
      assert.ok(stderr.trim().split("\n").length <= 2, stderr);
    });
    for (const part of ["metadata.json", "model.json", "weights.bin"]) {
      await t.step(part, async () => {
        const model = `${dir}/${part.replace(".", "-")}`;
        await saveModel(buildModel("mlp", { seed: 1 }), `${ROOT}${model}`, metadataFor("mlp"));
        await Deno.remove(`${ROOT}${model}/${part}`);
        await mkfifo(`${ROOT}${model}/${part}`);
        const { code, stderr } = await predict("--model", model, "--image", `${dir}/digit.png`);
        assert.equal(code, 2, stderr);
        assert.equal(
          stderr,
          `error: ${model}/${part} is a FIFO (named pipe), not a regular file\n`,
        );
      });
    }
  } finally {
    await Deno.remove(`${ROOT}${dir}`, { recursive: true });
  }
});
