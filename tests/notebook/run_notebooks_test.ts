/**
 * Executes every notebook headless in quick mode and checks what it shows. Needs Jupyter and
 * the Deno kernel (CI installs both in `.ci/run`); skipped with the reason otherwise.
 */
import assert from "node:assert/strict";
import { checkJupyter, NOTEBOOK_NAMES, runNotebooks } from "../../lib/notebook/run_notebooks.ts";

/** Images each notebook's story needs (the README's Notebooks section lists them). */
const IMAGES: Record<string, number> = {
  // samples, history, misclassified, filters, confusion matrix, two probability charts
  "mlp": 7,
  "cnn-basic": 7,
  "cnn-wide": 7,
  "cnn-deep": 7,
  // the four training histories overlaid
  "compare": 1,
};

let missing: string | undefined;
try {
  await checkJupyter();
} catch (error) {
  if (!(error instanceof Deno.errors.NotFound)) throw error;
  missing = error.message;
}
const skip = missing === undefined ? "" : ` (skipped: ${missing})`;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
}
interface Cell {
  cell_type: string;
  outputs?: Output[];
}

const join = (text: string | string[] | undefined): string =>
  Array.isArray(text) ? text.join("") : text ?? "";

Deno.test({
  name: `every notebook executes in quick mode without errors and shows its images${skip}`,
  ignore: missing !== undefined,
  async fn() {
    assert.deepEqual(Object.keys(IMAGES), [...NOTEBOOK_NAMES]);
    const outDir = await Deno.makeTempDir({ prefix: "notebooks-" });
    try {
      const runs = await runNotebooks({ outDir });
      for (const run of runs) {
        assert.ok(run.ok, `${run.name}: ${run.error}`);
        const cells: Cell[] = JSON.parse(await Deno.readTextFile(run.path)).cells;
        const outputs = cells.flatMap((c) => c.outputs ?? []);
        const errors = outputs.filter((o) => o.output_type === "error" || o.name === "stderr");
        assert.deepEqual(
          errors.map((o) => `${o.ename ?? o.name}: ${o.evalue ?? join(o.text)}`),
          [],
        );
        const images = outputs.filter((o) =>
          o.data !== undefined && ("image/svg+xml" in o.data || "image/png" in o.data)
        );
        assert.ok(
          images.length >= IMAGES[run.name]!,
          `${run.name} shows ${images.length} images, its story needs ${IMAGES[run.name]}`,
        );
        const first = outputs[0];
        const settings = join(first?.text ?? first?.data?.["text/plain"] as string | undefined);
        assert.match(settings, /^Mode: +QUICK/, `${run.name} did not run in quick mode`);
      }
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  },
});

Deno.test({
  name: `runNotebooks() reports a failing cell as one line${skip}`,
  ignore: missing !== undefined,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "notebooks-" });
    try {
      const notebook = {
        cells: [{
          cell_type: "code",
          id: "boom",
          execution_count: null,
          metadata: {},
          outputs: [],
          source: ['throw new RangeError("boom in a cell");'],
        }],
        metadata: { kernelspec: { display_name: "Deno", language: "typescript", name: "deno" } },
        nbformat: 4,
        nbformat_minor: 5,
      };
      await Deno.writeTextFile(`${dir}/mlp.ipynb`, JSON.stringify(notebook));
      const [run] = await runNotebooks({ names: ["mlp"], dir, outDir: `${dir}/out` });
      assert.equal(run!.ok, false);
      assert.match(run!.error!, /RangeError.*boom in a cell/);
      assert.ok(!run!.error!.includes("\n"));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("runNotebooks() refuses an unknown notebook name", async () => {
  await assert.rejects(() => runNotebooks({ names: ["resnet"] }), RangeError);
});

async function task(args: string[], env: Record<string, string>) {
  const { code, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-run=jupyter", "tasks/notebooks.ts", ...args],
    env,
    stdout: "null",
  }).output();
  return { code, stderr: new TextDecoder().decode(stderr).trim() };
}

Deno.test("deno task notebooks says in one line that jupyter is missing", async () => {
  const { code, stderr } = await task([], { PATH: "/nonexistent" });
  assert.equal(code, 2);
  const lines = stderr.split("\n").filter((l) => l.startsWith("error:"));
  assert.deepEqual(lines.length, 1);
  assert.match(
    lines[0]!,
    /^error: jupyter was not found on PATH: install Debian's jupyter-nbconvert/,
  );
});

Deno.test({
  name: `deno task notebooks says in one line that the Deno kernel is missing${skip}`,
  ignore: missing !== undefined,
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "home-" });
    try {
      const { code, stderr } = await task(["--only", "mlp"], { HOME: home });
      assert.equal(code, 2);
      assert.equal(
        stderr,
        "error: The Deno Jupyter kernel is not installed: run `deno jupyter --install`",
      );
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  },
});
