import assert from "node:assert/strict";
import { intFlag, numberFlag } from "../../lib/cli/flag_values.ts";
import { UsageError } from "../../lib/errors.ts";

Deno.test("intFlag() and numberFlag() reject malformed and out-of-range values", () => {
  assert.equal(intFlag({ n: "12" }, "n", { min: 1 }), 12);
  assert.equal(intFlag({}, "n"), undefined);
  for (const bad of ["1.5", "abc", "0", ""]) {
    assert.throws(() => intFlag({ n: bad }, "n", { min: 1 }), UsageError, bad);
  }
  assert.equal(numberFlag({ x: "0.25" }, "x", { min: 0, max: 1 }), 0.25);
  assert.throws(() => numberFlag({ x: "2" }, "x", { min: 0, max: 1 }), /between 0 and 1/);
  assert.throws(() => numberFlag({ x: "NaN" }, "x"), /must be a number/);
});
