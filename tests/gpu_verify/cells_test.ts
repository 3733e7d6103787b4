import assert from "node:assert/strict";
import { eachCell } from "../../lib/gpu_verify/_cells.ts";
import type { Check, PhaseContext } from "../../lib/gpu_verify/types.ts";

/** A context that keeps what a phase reports; `left` is the budget's seconds left. */
function context(left: number) {
  const checks: Check[] = [];
  const details: Record<string, unknown> = {};
  let saves = 0;
  const ctx = {
    quick: true,
    check: (name: string, ok: boolean, detail?: string) => void checks.push({ name, ok, detail }),
    record: (key: string, value: unknown) => void (details[key] = value),
    log: () => {},
    secondsLeft: () => left,
    save: () => Promise.resolve(void saves++),
  } as unknown as PhaseContext;
  return { ctx, checks, details, saves: () => saves };
}

Deno.test("eachCell(): a failing cell is a failed check, the next cell still runs, saved after each", async () => {
  const { ctx, checks, saves } = context(100);
  const ran: number[] = [];
  await eachCell(ctx, [1, 2, 3], { name: (c) => `cell ${c}`, seconds: 10 }, async (c) => {
    ran.push(c);
    if (c === 2) throw new RangeError("buffer too big");
    await Promise.resolve();
  });
  assert.deepEqual(ran, [1, 2, 3]);
  assert.deepEqual(checks, [{
    name: "cell 2 ran",
    ok: false,
    detail: "RangeError: buffer too big",
  }]);
  assert.equal(saves(), 3);
});

Deno.test("eachCell(): with less time left than a cell needs, it is recorded as skipped, not run", async () => {
  const { ctx, checks, details, saves } = context(4);
  let ran = 0;
  await eachCell(
    ctx,
    ["a"],
    { name: (c) => `cell ${c}`, seconds: 5 },
    () => Promise.resolve(void ran++),
  );
  assert.equal(ran, 0);
  assert.equal(checks.length, 0);
  assert.equal(details["skipped cell a"], "out of time: 4 s left");
  assert.equal(saves(), 0);
});
