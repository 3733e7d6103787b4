import assert from "node:assert/strict";
import { DatasetError } from "../../lib/errors.ts";
import { gunzip, gunzipIfNeeded, isGzip } from "../../lib/data/gunzip.ts";
import { gzip } from "./_fixtures.ts";

const raw = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13) % 251);

Deno.test("isGzip() recognises the gzip magic number and nothing else", async () => {
  assert.equal(isGzip(await gzip(raw)), true);
  assert.equal(isGzip(Uint8Array.of(0, 0, 8, 3)), false);
  assert.equal(isGzip(Uint8Array.of(0x1f)), false);
});

Deno.test("gunzip() restores the original bytes", async () => {
  assert.deepEqual(await gunzip(await gzip(raw)), raw);
});

Deno.test("gunzipIfNeeded() passes raw bytes through untouched", async () => {
  assert.equal(await gunzipIfNeeded(raw), raw);
  assert.deepEqual(await gunzipIfNeeded(await gzip(raw)), raw);
});

Deno.test("gunzip() rejects corrupt data with a DatasetError naming the file", async () => {
  const gz = await gzip(raw);
  gz.fill(0xff, 10, 40);
  await assert.rejects(gunzip(gz, "x.gz"), (error: unknown) => {
    assert.ok(error instanceof DatasetError);
    assert.match(error.message, /^x\.gz: corrupt or truncated gzip data/);
    return true;
  });
});
