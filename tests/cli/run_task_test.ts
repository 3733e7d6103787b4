import assert from "node:assert/strict";

const FIXTURE = new URL("./_task_fixture.ts", import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the fixture task; with `interrupts`, sends that many signals once it is ready. */
async function run(
  args: string[],
  interrupts = 0,
  permissions = ["--allow-read"],
  signal: Deno.Signal = "SIGINT",
): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, FIXTURE, ...args],
    stdout: "piped",
    stderr: "piped",
    stdin: "null",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let stdout = "";
  const decoder = new TextDecoder();
  for await (const chunk of child.stdout) {
    stdout += decoder.decode(chunk);
    if (interrupts > 0 && stdout.includes("ready\n")) {
      for (let i = 0; i < interrupts; i++) {
        child.kill(signal);
        await new Promise((r) => setTimeout(r, 200));
      }
      interrupts = 0;
    }
  }
  const { code } = await child.status;
  return { code, stdout, stderr: await stderr };
}

function assertOneLine(stderr: string, message: RegExp): void {
  const lines = stderr.trim().split("\n").filter((l) => !l.startsWith("Stopping after"));
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, message);
  assert.doesNotMatch(stderr, /^\s+at /m, "no stack trace");
}

Deno.test("runTask() stops a task that ignores the signal at the first Ctrl-C: exit 130, one line", async () => {
  const started = Date.now();
  const { code, stderr } = await run(["--mode", "hang"], 1);
  assert.equal(code, 130);
  assertOneLine(stderr, /^error: Interrupted \(Ctrl-C\)$/);
  assert.ok(Date.now() - started < 15_000, "did not wait for the task");
});

Deno.test("runTask() lets a signal-aware task stop by itself and prints its message", async () => {
  const { code, stderr } = await run(["--mode", "cooperative"], 1);
  assert.equal(code, 130);
  assert.match(stderr, /^Stopping after the current step \(Ctrl-C again to quit at once\)/);
  assertOneLine(stderr, /^error: Interrupted during epoch 2: the checkpoint holds epoch 1$/);
});

Deno.test("runTask() exits 130 at once on a second Ctrl-C", async () => {
  const started = Date.now();
  const { code, stderr } = await run(["--mode", "stubborn"], 2);
  assert.equal(code, 130);
  assertOneLine(stderr, /^error: Interrupted \(Ctrl-C twice\); stopped at once$/);
  assert.ok(Date.now() - started < 15_000, "did not wait for the task");
});

Deno.test("runTask() treats SIGTERM like Ctrl-C: the task stops by itself, one line, exit 143", async () => {
  const { code, stderr } = await run(["--mode", "cooperative"], 1, ["--allow-read"], "SIGTERM");
  assert.equal(code, 143);
  assert.equal(stderr, "error: Interrupted during epoch 2: the checkpoint holds epoch 1\n");
  const hung = await run(["--mode", "hang"], 1, ["--allow-read"], "SIGTERM");
  assert.equal(hung.code, 143);
  assert.equal(hung.stderr, "error: Interrupted (SIGTERM)\n");
});

Deno.test("runTask() lets a finished task exit (no signal listener left behind)", async () => {
  const { code, stdout } = await run(["--mode", "quick"]);
  assert.equal(code, 0);
  assert.equal(stdout, "done\n");
});

Deno.test("runTask() maps file-system errors to one line and exit 2", async (t) => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/file`;
  await Deno.writeTextFile(file, "x");
  // Deno names the path only in some messages; the libraries that read user paths add it.
  const cases: [string[], RegExp, string[]?][] = [
    [["--mode", "read", "--path", dir], new RegExp(`^error: cannot read ${dir}: is a directory$`)],
    [
      ["--mode", "read", "--path", `${file}/x`],
      /^error: not a directory$/,
    ],
    [
      ["--mode", "mkdir", "--path", `${file}/sub`],
      /^error: cannot mkdir .*\/file\/sub: not a directory$/,
      ["--allow-read", "--allow-write"],
    ],
    [
      ["--mode", "write", "--path", "/dev/full"],
      /^error: cannot write \/dev\/full: no space left on device \(free some space and run again\)$/,
      // A full disk, simulated by /dev/full, which Deno lets only --allow-all write.
      ["--allow-all"],
    ],
  ];
  for (const [args, message, permissions] of cases) {
    await t.step(args.join(" "), async () => {
      const { code, stderr } = await run(args, 0, permissions);
      assert.equal(code, 2, stderr);
      assertOneLine(stderr, message);
    });
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runTask() keeps the stack trace of a bug (exit 1)", async () => {
  const { code, stderr } = await run(["--mode", "bug"]);
  assert.equal(code, 1);
  assert.match(stderr, /TypeError: a bug/);
  assert.match(stderr, /^\s+at /m);
});
