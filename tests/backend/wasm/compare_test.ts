import assert from "node:assert/strict";
import { relativeError } from "./_compare.ts";

Deno.test("relativeError() scales by the largest expected magnitude", () => {
  assert.equal(relativeError([1, 2.5], [1, 2]), 0.25);
  assert.equal(relativeError([0, 0], [0, 0]), 0);
});

Deno.test("relativeError() is Infinity for NaN or a length mismatch", () => {
  assert.equal(relativeError([NaN, 1], [1, 1]), Infinity);
  assert.equal(relativeError([1, 1], [1, NaN]), Infinity);
  assert.equal(relativeError([1], [1, 1]), Infinity);
});
