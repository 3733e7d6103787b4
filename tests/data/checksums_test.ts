import assert from "node:assert/strict";
import { MNIST_FILE_KEYS, MNIST_FILES, sha256Hex } from "../../lib/data/checksums.ts";

Deno.test("sha256Hex() matches the FIPS 180-2 test vectors", async () => {
  assert.equal(
    await sha256Hex(new TextEncoder().encode("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    await sha256Hex(new Uint8Array(0)),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
});

Deno.test("sha256Hex() hashes only the view, not the whole buffer", async () => {
  const buffer = new TextEncoder().encode("xxabcxx");
  assert.equal(await sha256Hex(buffer.subarray(2, 5)), await sha256Hex(buffer.slice(2, 5)));
});

Deno.test("MNIST_FILES sizes agree with their IDX dims", () => {
  assert.equal(MNIST_FILE_KEYS.length, 4);
  for (const key of MNIST_FILE_KEYS) {
    const { name, dims, bytes, sha256 } = MNIST_FILES[key];
    assert.equal(bytes, 4 + 4 * dims.length + dims.reduce((a, b) => a * b, 1), name);
    assert.match(sha256, /^[0-9a-f]{64}$/, name);
  }
  assert.equal(MNIST_FILES.trainImages.dims[0], MNIST_FILES.trainLabels.dims[0]);
  assert.equal(MNIST_FILES.testImages.dims[0], MNIST_FILES.testLabels.dims[0]);
});
