import assert from "node:assert/strict";
import { parseTaskArgs, type TaskSpec, usage } from "../../lib/cli/args.ts";
import { intFlag } from "../../lib/cli/flag_values.ts";
import { UsageError } from "../../lib/errors.ts";

const spec: TaskSpec = {
  name: "demo",
  summary: "A demo task.",
  flags: {
    epochs: { type: "string", value: "N", help: "Epochs (default 5)" },
    quiet: { type: "boolean", short: "q", help: "Less output" },
  },
};

Deno.test("parseTaskArgs() reads known flags", () => {
  assert.deepEqual({ ...parseTaskArgs(["--epochs", "3", "-q"], spec) }, {
    epochs: "3",
    quiet: true,
  });
});

Deno.test("parseTaskArgs() turns an unknown flag or a stray argument into a UsageError", () => {
  assert.throws(
    () => parseTaskArgs(["--epoch", "3"], spec),
    (e) => e instanceof UsageError && /--epoch/.test(e.message),
  );
  assert.throws(() => parseTaskArgs(["extra"], spec), UsageError);
  assert.throws(() => parseTaskArgs(["--epochs"], spec), UsageError);
});

Deno.test("parseTaskArgs() returns undefined for --help and usage() lists every flag", () => {
  assert.equal(parseTaskArgs(["--help"], spec), undefined);
  const text = usage(spec);
  assert.match(text, /deno task demo/);
  assert.match(text, /--epochs N\s+Epochs \(default 5\)/);
  assert.match(text, /-q, --quiet/);
  assert.match(text, /--help/);
});

Deno.test("parseTaskArgs() passes a negative number to the flag's own range check", () => {
  const spaced = parseTaskArgs(["--epochs", "-1"], spec)!;
  assert.equal(spaced.epochs, "-1");
  assert.throws(
    () => intFlag(spaced, "epochs", { min: 1 }),
    /--epochs must be an integer ≥ 1, got "-1"/,
  );
  assert.equal(parseTaskArgs(["--epochs", "-0.5", "-q"], spec)!.epochs, "-0.5");
  // A flag-looking word after a value flag is still a missing value, not a value.
  assert.throws(() => parseTaskArgs(["--epochs", "-q"], spec), UsageError);
});

Deno.test("parseTaskArgs() refuses a flag given twice, naming both values", () => {
  assert.throws(
    () => parseTaskArgs(["--epochs", "3", "--epochs=5"], spec),
    (e) =>
      e instanceof UsageError &&
      e.message === '--epochs was given more than once ("3" and "5"); give it once',
  );
  assert.throws(
    () => parseTaskArgs(["-q", "--quiet"], spec),
    /--quiet was given more than once; give it once/,
  );
  const multi: TaskSpec = { ...spec, flags: { m: { type: "string", help: "", multiple: true } } };
  assert.deepEqual(parseTaskArgs(["--m", "a", "--m", "b"], multi)!.m, ["a", "b"]);
});
