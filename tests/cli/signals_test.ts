/**
 * Issue 19: SIGTERM (what a supervisor, `timeout` or `docker stop` sends) behaves like Ctrl-C
 * for a real training run: it stops after the current step, keeps the last epoch's checkpoint,
 * releases the folder's lock and exits 143 with one line.
 */
import assert from "node:assert/strict";
import { lockPath } from "../../lib/models/model_lock.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

Deno.test("SIGTERM during training keeps the checkpoint, releases the lock, exits 143 with one line", async () => {
  const out = `models/.test-sigterm-${crypto.randomUUID().slice(0, 8)}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", "train", "--arch", "mlp", "--epochs", "30", "--limit", "20000"]
      .concat(["--seed", "1", "--out", out]),
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  let stdout = "";
  try {
    const decoder = new TextDecoder();
    let sent = false;
    for await (const chunk of child.stdout) {
      stdout += decoder.decode(chunk);
      if (!sent && stdout.includes("Epoch 3/30")) {
        child.kill("SIGTERM");
        sent = true;
      }
    }
    const { code } = await child.status;
    const lines = (await stderr).trim().split("\n").filter((l) => !/XDG_RUNTIME_DIR/.test(l));
    assert.equal(code, 143, stdout + lines.join("\n"));
    assert.equal(lines.length, 1, lines.join("\n"));
    assert.match(
      lines[0]!,
      /^error: Interrupted during epoch \d+: the checkpoint in .* holds epoch \d+; continue with --resume$/,
    );
    const metadata = JSON.parse(await Deno.readTextFile(`${ROOT}${out}/metadata.json`));
    assert.ok(metadata.epochsCompleted >= 2, `checkpoint of epoch ${metadata.epochsCompleted}`);
    await assert.rejects(Deno.stat(lockPath(`${ROOT}${out}`)), Deno.errors.NotFound, "lock gone");
  } finally {
    await Deno.remove(`${ROOT}${out}`, { recursive: true }).catch(() => {});
    await Deno.remove(lockPath(`${ROOT}${out}`)).catch(() => {});
  }
});
