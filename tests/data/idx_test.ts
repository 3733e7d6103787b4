import assert from "node:assert/strict";
import { DatasetError } from "../../lib/errors.ts";
import { decodeIdx, encodeIdx, parseIdx } from "../../lib/data/idx.ts";
import { gzip } from "./_fixtures.ts";

const IMAGES = { rank: 3, dims: [3, 28, 28] } as const;
const pixels = Uint8Array.from({ length: 3 * 784 }, (_, i) => i % 256);
const imageFile = encodeIdx(pixels, [3, 28, 28]);
const labelFile = encodeIdx(new Uint8Array([5, 0, 4]), [3]);

function rejects(bytes: Uint8Array, expect: object, pattern: RegExp): void {
  assert.throws(
    () => parseIdx(bytes, { name: "f-idx3-ubyte", expect }),
    (error: unknown) => {
      assert.ok(error instanceof DatasetError, `not a DatasetError: ${error}`);
      assert.match(error.message, /^f-idx3-ubyte: /);
      assert.match(error.message, pattern);
      return true;
    },
  );
}

Deno.test("encodeIdx() writes the magic number, big-endian dims and the values", () => {
  assert.deepEqual([...imageFile.subarray(0, 16)], [
    0,
    0,
    8,
    3,
    0,
    0,
    0,
    3,
    0,
    0,
    0,
    28,
    0,
    0,
    0,
    28,
  ]);
  assert.deepEqual([...labelFile], [0, 0, 8, 1, 0, 0, 0, 3, 5, 0, 4]);
});

Deno.test("encodeIdx() rejects dims that do not match the values", () => {
  assert.throws(() => encodeIdx(new Uint8Array(5), [2, 2]), RangeError);
  assert.throws(() => encodeIdx(new Uint8Array(0), [-1]), RangeError);
});

Deno.test("parseIdx() reads images and labels back", () => {
  const images = parseIdx(imageFile, { name: "images", expect: IMAGES });
  assert.deepEqual(images.dims, [3, 28, 28]);
  assert.deepEqual(images.data, pixels);
  assert.equal(images.data.byteOffset, 0, "values must start their own buffer");
  const labels = parseIdx(labelFile, { name: "labels", expect: { rank: 1, dims: [null] } });
  assert.deepEqual(labels.dims, [3]);
  assert.deepEqual([...labels.data], [5, 0, 4]);
});

Deno.test("parseIdx() copies, so the caller's buffer can be reused", () => {
  const bytes = labelFile.slice();
  const labels = parseIdx(bytes, { name: "labels" });
  bytes[8] = 9;
  assert.equal(labels.data[0], 5);
});

Deno.test("parseIdx() rejects corrupt files with a message naming the file", async (t) => {
  const cases: [string, Uint8Array, object, RegExp][] = [
    ["empty file", new Uint8Array(0), IMAGES, /truncated: file has 0 bytes/],
    [
      "bad magic",
      Uint8Array.of(0x50, 0x4b, 3, 4, ...imageFile.subarray(4)),
      IMAGES,
      /not an IDX file: magic number 0x504b0304, expected 0x00000803/,
    ],
    [
      "float data type",
      Uint8Array.of(0, 0, 0x0d, 3, ...imageFile.subarray(4)),
      IMAGES,
      /unsupported IDX data type 0xd/,
    ],
    [
      "labels file where images are expected",
      labelFile,
      IMAGES,
      /wrong rank: magic number 0x00000801 says rank 1, expected 0x00000803/,
    ],
    ["images file where labels are expected", imageFile, { rank: 1 }, /wrong rank: .*says rank 3/],
    [
      "wrong dims",
      imageFile,
      { rank: 3, dims: [3, 32, 32] },
      /wrong dims: header says 3×28×28, expected 3×32×32/,
    ],
    [
      "wrong count",
      labelFile,
      { rank: 1, dims: [60000] },
      /wrong dims: header says 3, expected 60000/,
    ],
    [
      "truncated header",
      imageFile.subarray(0, 10),
      IMAGES,
      /truncated: a rank-3 header needs 16 bytes, file has 10/,
    ],
    [
      "truncated pixels",
      imageFile.subarray(0, 16 + 1000),
      IMAGES,
      /truncated: header says 3×28×28 = 2352 bytes of pixels, file has 1000/,
    ],
    [
      "truncated labels",
      labelFile.subarray(0, 10),
      { rank: 1 },
      /truncated: header says 3 = 3 bytes of labels, file has 2/,
    ],
    [
      "extra bytes",
      Uint8Array.of(...labelFile, 1, 2),
      { rank: 1 },
      /2 extra bytes at the end: header says 3 = 3 bytes of labels, file has 5/,
    ],
  ];
  for (const [name, bytes, expect, pattern] of cases) {
    await t.step(name, () => rejects(bytes, expect, pattern));
  }
});

Deno.test("parseIdx() points gzip input at decodeIdx()", async () => {
  rejects(await gzip(labelFile), {}, /gzip-compressed.*decodeIdx/);
});

Deno.test("decodeIdx() reads raw and gzip files alike", async () => {
  const fromGz = await decodeIdx(await gzip(imageFile), { name: "images.gz", expect: IMAGES });
  assert.deepEqual(fromGz.data, pixels);
  const fromRaw = await decodeIdx(labelFile, { name: "labels", expect: { rank: 1 } });
  assert.deepEqual([...fromRaw.data], [5, 0, 4]);
});

Deno.test("decodeIdx() rejects a truncated gzip file", async () => {
  const gz = await gzip(imageFile);
  await assert.rejects(
    decodeIdx(gz.subarray(0, gz.length - 12), { name: "t10k-images-idx3-ubyte.gz" }),
    (error: unknown) =>
      error instanceof DatasetError &&
      /^t10k-images-idx3-ubyte\.gz: corrupt or truncated gzip/.test(error.message),
  );
});

Deno.test("decodeIdx() reports a gzip file whose content is truncated IDX", async () => {
  await assert.rejects(
    decodeIdx(await gzip(imageFile.slice(0, 500)), { name: "img.gz", expect: IMAGES }),
    /img\.gz: truncated: header says 3×28×28 = 2352 bytes of pixels, file has 484/,
  );
});

Deno.test("decodeIdx() inflates a .gz only as far as its IDX header declares", async () => {
  // A header declaring 3 labels, then 50 MB of zeros: ~50 KB compressed.
  const bomb = new Uint8Array(50_000_000);
  bomb.set(labelFile.subarray(0, 8));
  const gz = await gzip(bomb);
  const before = Deno.memoryUsage().rss;
  await assert.rejects(
    decodeIdx(gz, { name: "labels.gz" }),
    /^DatasetError: labels\.gz: inflates to more than 11 bytes/,
  );
  assert.ok(Deno.memoryUsage().rss - before < 50e6, "bounded");
  // A multi-member file decodes as one.
  const joined = new Uint8Array([
    ...await gzip(imageFile.subarray(0, 100)),
    ...await gzip(imageFile.subarray(100)),
  ]);
  assert.deepEqual((await decodeIdx(joined, { name: "two.gz", expect: IMAGES })).data, pixels);
});
