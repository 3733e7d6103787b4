/**
 * Issue 19: a writer lock that survives a stopped process. A run stopped (SIGSTOP) past the
 * lock's 60 s staleness loses the folder to a second run; when it wakes it must refuse to
 * commit over the second run's save, say so, and end with an error. A lock is written whole or
 * not at all, and a lock dated in the future counts as stale.
 */
import assert from "node:assert/strict";
import { buildModel } from "../../lib/models/build_model.ts";
import { loadModel, saveModel } from "../../lib/models/save_model.ts";
import { lockModelDir, lockPath } from "../../lib/models/model_lock.ts";
import { ModelFileError } from "../../lib/errors.ts";
import { trainCnn } from "../../lib/train/train_cnn.ts";
import { syntheticMnist, useCpu } from "../_synthetic.ts";
import { listDir, metadataFor, saveLoop } from "./_model_fixtures.ts";

await useCpu();

/** Makes a lock look untouched for two minutes, as a SIGSTOPped holder's lock does. */
async function age(dir: string): Promise<void> {
  const old = new Date(Date.now() - 120_000);
  await Deno.utime(lockPath(dir), old, old);
}

Deno.test("a writer whose lock was taken while it was stopped refuses to commit; the other run's save stays", async () => {
  const dir = `${await Deno.makeTempDir()}/shared`;
  const lock = await lockModelDir(dir);
  await saveModel(buildModel("mlp", { seed: 1 }), dir, metadataFor("mlp"));
  await age(dir);
  // A second process finds the lock stale, takes the folder, saves and leaves.
  const other = await saveLoop(dir, "cnn-basic", 1);
  assert.equal(other.code, 0, new TextDecoder().decode(other.stderr));
  assert.match(new TextDecoder().decode(other.stdout), /"saved":1/);
  // The first one wakes up and tries to save its next checkpoint.
  await assert.rejects(
    saveModel(buildModel("mlp", { seed: 2 }), dir, metadataFor("mlp", 2)),
    (e) =>
      e instanceof ModelFileError &&
      /^Not saving to .*shared: its lock was taken by another run while this one held it/.test(
        e.message,
      ),
  );
  const { metadata } = await loadModel(dir);
  assert.equal(metadata.arch, "cnn-basic", "the other run's save was kept");
  await lock.release();
  assert.deepEqual(listDir(`${dir}/..`), ["shared"], "no lock or temporary folder left");
});

Deno.test("a training run whose lock was taken ends with an error instead of saving", async () => {
  const dir = `${await Deno.makeTempDir()}/mlp`;
  const thief = JSON.stringify({ pid: 4242, token: "another-run", started: new Date() });
  const run = trainCnn({
    arch: "mlp",
    backend: "cpu",
    epochs: 2,
    seed: 1,
    data: syntheticMnist(64, 20),
    outDir: dir,
    // Another run takes the lock during the first epoch (this one was stopped past 60 s).
    onEpoch: () => Deno.writeTextFileSync(lockPath(dir), thief),
  });
  await assert.rejects(run, (e) => e instanceof ModelFileError && /lock was taken/.test(e.message));
  assert.equal(await Deno.readTextFile(lockPath(dir)), thief, "the other run's lock is left alone");
  await assert.rejects(Deno.stat(dir), Deno.errors.NotFound, "nothing was committed");
});

Deno.test("a lock whose write fails (full disk) is not left behind, not even empty", async () => {
  const parent = await Deno.makeTempDir();
  const dir = `${parent}/mlp`;
  const full = async (path: string) => {
    await Deno.writeFile(path, new Uint8Array(0)); // created, then the disk is full
    throw new Error("No space left on device (os error 28)");
  };
  await assert.rejects(lockModelDir(dir, { writeFile: full }), /No space left/);
  assert.deepEqual(listDir(parent), [], "no lock, no temporary file");
  await assert.rejects(
    saveModel(buildModel("mlp", { seed: 1 }), dir, metadataFor("mlp"), undefined, {
      writeFile: full,
    }),
    /No space left/,
  );
  assert.deepEqual(listDir(parent), [], "no lock, no temporary file");
  const lock = await lockModelDir(dir);
  await lock.release();
});

Deno.test("a lock dated in the future is stale, and taking it over says so", async () => {
  const dir = `${await Deno.makeTempDir()}/mlp`;
  const future = new Date(Date.now() + 86_400_000);
  await Deno.writeTextFile(
    lockPath(dir),
    JSON.stringify({ pid: 4242, token: "x", started: future.toISOString() }),
  );
  await Deno.utime(lockPath(dir), future, future);
  const notes: string[] = [];
  const lock = await lockModelDir(dir, { onNote: (line) => notes.push(line) });
  assert.equal(notes.length, 1, notes.join("\n"));
  assert.match(notes[0]!, /lock .*mlp\.lock of process 4242 is dated .* in the future/);
  await lock.release();
  await assert.rejects(Deno.stat(lockPath(dir)), Deno.errors.NotFound);
});

Deno.test("what a process killed while taking a lock left beside it is removed by the next holder", async () => {
  const parent = await Deno.makeTempDir();
  const dir = `${parent}/mlp`;
  const leftovers = [`${lockPath(dir)}.0badc0de.tmp`, `${lockPath(dir)}.0badc0de.stale`];
  const fresh = `${lockPath(dir)}.1234abcd.tmp`; // another process, between write and link
  const old = new Date(Date.now() - 120_000);
  for (const path of leftovers) {
    await Deno.writeTextFile(path, "{}");
    await Deno.utime(path, old, old);
  }
  await Deno.writeTextFile(fresh, "{}");
  const lock = await lockModelDir(dir);
  await lock.release();
  assert.deepEqual(listDir(parent), [".mlp.lock.1234abcd.tmp"]);
});
