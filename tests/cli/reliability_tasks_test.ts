/**
 * Issue 9's cases as a user meets them: `deno task NAME …` with the permissions in deno.json.
 * Each bad input gives one `error:` line (plus at most a usage hint), exit 2, no stack trace.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

async function task(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  return { code: output.code, stderr: new TextDecoder().decode(output.stderr) };
}

function assertOneLine(stderr: string, message: RegExp): void {
  const lines = stderr.trim().split("\n");
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, message);
  assert.ok(lines.length === 1 || /^Run "deno task/.test(lines[1]!), stderr);
  assert.ok(lines.length <= 2, stderr);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
}

Deno.test("tasks give one line and exit 2 for hostile or mistaken input", async (t) => {
  const scratch = `models/.test-rel-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.mkdir(`${ROOT}${scratch}/corrupt`, { recursive: true });
  await Deno.writeTextFile(`${ROOT}${scratch}/corrupt/metadata.json`, "{}");
  await Deno.writeTextFile(`${ROOT}${scratch}/metadata.json`, ""); // a file, not a folder
  await Deno.mkdir(`${ROOT}${scratch}/evil`);
  await Deno.writeTextFile(
    `${ROOT}${scratch}/evil/metadata.json`,
    JSON.stringify({ format: 1, arch: "../data/evil" }),
  );
  const outside = await Deno.makeTempDir();
  const cases: [string, string[], RegExp, Record<string, string>?][] = [
    [
      "negative number",
      ["train", "--epochs", "-1"],
      /--epochs must be an integer between 1 and \d+, got "-1"/,
    ],
    [
      "repeated flag",
      ["train", "--epochs", "2", "--epochs", "3"],
      /--epochs was given more than once \("2" and "3"\)/,
    ],
    [
      "metadata {}",
      ["evaluate", "--model", `${scratch}/corrupt`],
      /metadata\.json is not valid: "format" is missing/,
    ],
    [
      "arch as a path",
      ["report", "--model", `${scratch}/evil`],
      /"arch" must be an architecture name, got "..\/data\/evil"/,
    ],
    [
      "file as model folder",
      ["evaluate", "--model", `${scratch}/metadata.json`],
      /metadata\.json is a file, not a model folder/,
    ],
    [
      "folder as image",
      ["predict", "--model", scratch, "--image", scratch],
      /(cannot read .*: is a directory|is a folder)/,
    ],
    ["image outside the read permission", [
      "predict",
      "--model",
      scratch,
      "--image",
      `${outside}/digit.png`,
    ], /Requires read access to .*digit\.png|outside the folders/],
    ["data dir outside the read permission", [
      "evaluate",
      "--model",
      scratch,
      "--data-dir",
      outside,
    ], /--data-dir .* is outside the folders this task may read/],
    [
      "bad MNIST_WASM_THREADS",
      ["evaluate", "--model", scratch],
      /MNIST_WASM_THREADS must be an integer from 1 to 8, got "lots"/,
      { MNIST_WASM_THREADS: "lots" },
    ],
  ];
  try {
    for (const [name, args, message, env] of cases) {
      await t.step(name, async () => {
        const { code, stderr } = await task(args, env);
        assert.equal(code, 2, stderr);
        assertOneLine(stderr, message);
        if (Deno.env.get("SHOW_LINES")) console.log(stderr.trim().split("\n")[0]);
      });
    }
    await assert.rejects(Deno.stat(`${ROOT}data/evil`), Deno.errors.NotFound, "arch is no path");
  } finally {
    await Deno.remove(`${ROOT}${scratch}`, { recursive: true });
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("Ctrl-C stops a task stuck reading its input: exit 130, one line", async () => {
  // Standard input that never ends (a FIFO is refused before it is opened, so it cannot
  // stand in for a stuck read any more).
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "predict", "--model", "models/none", "--image", "-"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "piped",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  // 1 MB is far more than a pipe buffers: the write returns once the task is reading.
  await writer.write(new Uint8Array(1 << 20));
  child.kill("SIGINT");
  const { code, stderr } = await child.output();
  await writer.close().catch(() => {});
  assert.equal(code, 130);
  // `deno task` forwards the signal to the task's process; on a loaded CI machine the task
  // once saw it twice and took the second-Ctrl-C exit. Either is one line and exit 130.
  assert.match(
    new TextDecoder().decode(stderr),
    /^error: Interrupted \(Ctrl-C(\)| twice\); stopped at once)\n$/,
  );
});
