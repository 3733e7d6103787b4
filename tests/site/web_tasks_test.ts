/**
 * `deno task web` and `deno task build-web` as a user runs them (deno.json's permissions): bad
 * ports are one line and exit 2, a taken port is named, and the static site is replaced whole.
 */
import assert from "node:assert/strict";
import { HAS_DATASET, ROOT, task } from "../cli/_deno_task.ts";
import { MNIST_FILES } from "../../lib/data/checksums.ts";

function oneErrorLine(result: { code: number; stderr: string }, message: RegExp): void {
  assert.equal(result.code, 2, result.stderr);
  const lines = result.stderr.trim().split("\n");
  assert.match(lines[0]!, /^error: /);
  assert.match(lines[0]!, message);
  assert.ok(lines.length <= 2, `at most the error and a usage hint:\n${result.stderr}`);
}

Deno.test("web: a bad --port is one line and exit 2", async () => {
  for (const port of ["0", "65536", "80x", ""]) {
    oneErrorLine(
      await task("web", "--port", port),
      /--port must be an integer between 1 and 65535/,
    );
  }
});

Deno.test("web: a taken port is named at once, before the page is bundled", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const result = await task("web", "--port", String(taken.addr.port));
    oneErrorLine(result, new RegExp(`port ${taken.addr.port} is in use; pick another with --port`));
  } finally {
    taken.close();
  }
});

Deno.test({
  name: "build-web: the site is replaced whole, with the verified MNIST files and _headers",
  ignore: !HAS_DATASET,
  async fn() {
    const parent = `dist/.test-${crypto.randomUUID().slice(0, 8)}`;
    const out = `${parent}/web`;
    try {
      await Deno.mkdir(`${ROOT}${out}`, { recursive: true });
      await Deno.writeTextFile(`${ROOT}${out}/stale.js`, "old");
      const result = await task("build-web", "--out", out);
      assert.equal(result.code, 0, result.stderr);
      const names = [...Deno.readDirSync(`${ROOT}${out}`)].map((e) => e.name).sort();
      assert.deepEqual(names, ["_headers", "app.js", "index.html", "mnist", "models", "style.css"]);
      assert.equal(await Deno.readTextFile(`${ROOT}${out}/models/index.json`), "[]\n");
      for (const file of Object.values(MNIST_FILES)) {
        assert.equal(Deno.statSync(`${ROOT}${out}/mnist/${file.name}`).size, file.bytes);
      }
      const headers = await Deno.readTextFile(`${ROOT}${out}/_headers`);
      assert.match(headers, /cross-origin-opener-policy: same-origin/);
      assert.match(headers, /cross-origin-embedder-policy: require-corp/);
      const html = await Deno.readTextFile(`${ROOT}${out}/index.html`);
      assert.match(html, /<script type="module" src="app.js">/);
      // Nothing half-written is left beside it.
      assert.deepEqual([...Deno.readDirSync(`${ROOT}${parent}`)].map((e) => e.name), ["web"]);
    } finally {
      await Deno.remove(`${ROOT}${parent}`, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("build-web: an --out outside dist/ is refused before anything is built", async () => {
  oneErrorLine(
    await task("build-web", "--out", "models/site"),
    /--out "models\/site" must lie inside/,
  );
});

Deno.test("web and build-web print their usage for --help", async () => {
  for (const name of ["web", "build-web"]) {
    const { code, stdout } = await task(name, "--help");
    assert.equal(code, 0);
    assert.match(stdout, new RegExp(`^Usage: deno task ${name} \\[options\\]`));
  }
});
