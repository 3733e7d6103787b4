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

Deno.test("gunzip() reads a multi-member .gz (what `gzip -dc` reads), still with its cap", async () => {
  const first = raw.subarray(0, 1234);
  const second = raw.subarray(1234);
  const joined = new Uint8Array([...await gzip(first), ...await gzip(second)]);
  assert.deepEqual(await gunzip(joined, "two.gz"), raw);
  // The cap counts every member: each alone fits, together they do not.
  await assert.rejects(gunzip(joined, "two.gz", 4000), /two\.gz: inflates to more than 4000 bytes/);
  // As the gzip tool writes them (`cat a.gz b.gz`, member names and all).
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/a`, first);
    await Deno.writeFile(`${dir}/b`, second);
    for (const name of ["a", "b"]) {
      assert.ok(
        (await new Deno.Command("gzip", { args: ["-N", `${dir}/${name}`] }).output()).success,
      );
    }
    const tool = new Uint8Array([
      ...await Deno.readFile(`${dir}/a.gz`),
      ...await Deno.readFile(`${dir}/b.gz`),
    ]);
    assert.deepEqual(await gunzip(tool, "tool.gz"), raw);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gunzip() checks each member's CRC-32 and size", async () => {
  const gz = await gzip(raw);
  const crc = gz.slice();
  crc[crc.length - 8] = crc[crc.length - 8]! ^ 1;
  await assert.rejects(gunzip(crc, "x.gz"), /^DatasetError: x\.gz: corrupt or truncated gzip data/);
  await assert.rejects(
    gunzip(new Uint8Array([...gz, ...crc]), "y.gz"),
    /y\.gz: corrupt or truncated gzip data \(member 2 fails its CRC-32/,
  );
  await assert.rejects(
    gunzip(new Uint8Array([...gz, 1, 2, 3]), "z.gz"),
    /z\.gz: corrupt or truncated/,
  );
});
