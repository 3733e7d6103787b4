/**
 * The app server's answers: only the page, the MNIST files and the models, each with the two
 * cross-origin isolation headers; no path leaves the model root; nothing can be written.
 */
import assert from "node:assert/strict";
import { siteHandler } from "../../lib/site/site_handler.ts";
import { listModels } from "../../lib/site/model_files.ts";

const text = (s: string) => new TextEncoder().encode(s);

async function fixture() {
  const root = await Deno.makeTempDir();
  const models = `${root}/models`;
  await Deno.mkdir(`${models}/tiny`, { recursive: true });
  await Deno.writeTextFile(`${models}/tiny/model.json`, '{"format":"layers-model"}');
  await Deno.writeFile(`${models}/tiny/weights.bin`, new Uint8Array([1, 2, 3]));
  await Deno.writeTextFile(
    `${models}/tiny/metadata.json`,
    '{"arch":"mlp","test":{"accuracy":0.97}}',
  );
  await Deno.mkdir(`${models}/empty`);
  await Deno.writeTextFile(`${root}/secret.txt`, "secret");
  await Deno.symlink(`${root}/secret.txt`, `${models}/tiny/link.json`);
  await Deno.symlink(root, `${models}/escape`);
  const handle = siteHandler({
    page: { "index.html": text("<p>page</p>"), "style.css": text("p{}"), "app.js": text("1") },
    mnist: new Map([["t10k-labels-idx1-ubyte", new Uint8Array([0, 0, 8, 1])]]),
    modelRoot: models,
  });
  const get = (path: string, method = "GET") =>
    handle(new Request(`http://127.0.0.1${path}`, { method }));
  return { root, get };
}

Deno.test("the page, MNIST and the models are served with the isolation headers", async () => {
  const { root, get } = await fixture();
  try {
    const cases: [string, string, string][] = [
      ["/", "text/html; charset=utf-8", "<p>page</p>"],
      ["/app.js", "text/javascript; charset=utf-8", "1"],
      ["/style.css", "text/css; charset=utf-8", "p{}"],
      ["/models/tiny/model.json", "application/json", '{"format":"layers-model"}'],
    ];
    for (const [path, type, body] of cases) {
      const response = await get(path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get("content-type"), type);
      assert.equal(response.headers.get("cross-origin-opener-policy"), "same-origin");
      assert.equal(response.headers.get("cross-origin-embedder-policy"), "require-corp");
      assert.equal(await response.text(), body);
    }
    const labels = await get("/mnist/t10k-labels-idx1-ubyte");
    assert.deepEqual(new Uint8Array(await labels.arrayBuffer()), new Uint8Array([0, 0, 8, 1]));
    const weights = await get("/models/tiny/weights.bin");
    assert.deepEqual(new Uint8Array(await weights.arrayBuffer()), new Uint8Array([1, 2, 3]));
    const list = await get("/models/index.json");
    assert.deepEqual(await list.json(), [{ name: "tiny", arch: "mlp", testAccuracy: 0.97 }]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("paths outside the site, traversal and links out of the model root are 404", async () => {
  const { root, get } = await fixture();
  try {
    const refused = [
      "/secret.txt",
      "/models/tiny/../../secret.txt",
      "/models/..%2Fsecret.txt/x",
      "/models/%2e%2e/secret.txt",
      "/models/tiny/%2e%2e%2f%2e%2e%2fsecret.txt",
      "/models/tiny/link.json",
      "/models/escape/secret.txt",
      "/models/tiny/.hidden",
      "/models/tiny",
      "/models/",
      "/models/tiny/sub/model.json",
      "/mnist/train-images-idx3-ubyte",
      "/mnist/../app.js/x",
      "/index.html/x",
      "/deno.json",
      "/web/main.ts",
      "/toString",
    ];
    for (const path of refused) {
      const response = await get(path);
      assert.equal(response.status, 404, path);
      assert.doesNotMatch(await response.text(), /secret/, path);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("only GET and HEAD: nothing is written through the server", async () => {
  const { root, get } = await fixture();
  try {
    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      const response = await get("/models/tiny/model.json", method);
      assert.equal(response.status, 405, method);
      await response.body?.cancel();
    }
    assert.equal(
      await Deno.readTextFile(`${root}/models/tiny/model.json`),
      '{"format":"layers-model"}',
    );
    const head = await get("/app.js", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.body, null);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the model list is empty without a model root", async () => {
  assert.deepEqual(await listModels(`${await Deno.makeTempDir()}/none`), []);
});
