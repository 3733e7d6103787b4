import assert from "node:assert/strict";
import { DatasetError } from "../../lib/errors.ts";
import { loadMnistFromUrls, mnistUrls } from "../../lib/web/load_mnist_urls.ts";
import { loadMnist } from "../../lib/data/load_mnist.ts";
import { makeFixture, serveFiles, withFile, writeFiles } from "../data/_fixtures.ts";

Deno.test("loadMnistFromUrls: raw and .gz files give the splits the Deno loader gives", async () => {
  const fixture = await makeFixture(3, 2);
  const server = serveFiles({ ...fixture.raw, ...fixture.gz });
  const dir = await Deno.makeTempDir();
  try {
    const files: string[] = [];
    const raw = await loadMnistFromUrls({
      urls: mnistUrls(server.base, "", fixture.table),
      files: fixture.table,
      onFile: (f) => files.push(`${f.name} ${f.done}/${f.of}`),
    });
    const gz = await loadMnistFromUrls({
      urls: mnistUrls(server.base, ".gz", fixture.table),
      files: fixture.table,
    });
    await writeFiles(dir, fixture.raw);
    const deno = await loadMnist({
      dataDir: dir,
      cacheDir: dir,
      files: fixture.table,
      useNpm: false,
      mirrors: [],
    });
    for (const loaded of [raw, gz]) {
      assert.deepEqual(loaded.train, deno.train);
      assert.deepEqual(loaded.test, deno.test);
      assert.deepEqual(loaded.sha256, deno.sha256);
    }
    assert.equal(raw.train.count, 3);
    assert.deepEqual([...raw.test.labels], fixture.labels.test);
    assert.equal(files.length, 4);
    assert.match(files[3]!, /4\/4$/);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadMnistFromUrls: a tampered, missing, oversized file, a gzip bomb: one line each", async () => {
  const fixture = await makeFixture(3, 2);
  const name = fixture.table.testLabels.name;
  const tampered = fixture.raw[name]!.slice();
  tampered[tampered.length - 1] = tampered.at(-1)! ^ 1;
  const cases: [Record<string, Uint8Array<ArrayBuffer>>, RegExp][] = [
    [withFile(fixture.raw, name, tampered), /t10k-labels.*: SHA-256 mismatch/],
    [
      Object.fromEntries(Object.entries(fixture.raw).filter(([n]) => n !== name)),
      /t10k-labels.*: HTTP 404/,
    ],
    [
      withFile(fixture.raw, name, fixture.gz[fixture.table.trainImages.name + ".gz"]!),
      /inflates to more than/,
    ],
    // A server sending more than the file can be is cut off at the file's size (+ 1 KB).
    [withFile(fixture.raw, name, new Uint8Array(tampered.length + 2048)), /is larger than/],
  ];
  for (const [files, expected] of cases) {
    const server = serveFiles(files);
    try {
      const error = await loadMnistFromUrls({
        urls: mnistUrls(server.base, "", fixture.table),
        files: fixture.table,
      }).catch((e) => e);
      assert.ok(error instanceof DatasetError, String(error));
      assert.match(error.message, expected);
      assert.doesNotMatch(error.message, /\n/);
    } finally {
      await server.close();
    }
  }
});
