/**
 * cnn-deep's compiled WebGPU step in headless Chromium (Dawn; SwiftShader here) against the
 * same code in Deno (wgpu; llvmpipe with `DENO_WEBGPU_BACKEND=gl`), one after the other in one
 * run: pipeline build time and ms/step under both kernel tunings (BENCHMARKS.md, "In the
 * browser"). Prints one markdown table.
 *
 *   DENO_WEBGPU_BACKEND=gl deno run -A tools/web_bench.ts [--steps N] [--tunings cpu,gpu]
 *
 * @module
 */
import { parseArgs } from "node:util";
// @ts-types="../tests/site/_puppeteer.d.ts"
import puppeteer from "puppeteer-core";
import { benchCnnDeep, type BenchRow } from "./web_bench/bench_body.ts";
import type { Tuning } from "../lib/engine/webgpu/_tiles.ts";
import { CHROMIUM_FLAGS } from "../lib/engine/check/browser/_browser_launch.ts";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "10" },
    tunings: { type: "string", default: "cpu,gpu" },
  },
});
const steps = Number(values.steps);
/** Measured in this order: the first build of a process also pays its shader compiler's start. */
const tunings = values.tunings.split(",") as Tuning[];

async function inDeno(): Promise<{ adapter: string; rows: BenchRow[] }> {
  const adapter = (await navigator.gpu.requestAdapter())!;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  const adapterName = `${adapter.info.vendor} ${adapter.info.description}`.trim();
  const rows = await benchCnnDeep(device, tunings, steps);
  device.destroy();
  return { adapter: adapterName, rows };
}

async function inChromium(): Promise<{ adapter: string; rows: BenchRow[] }> {
  const entry = new URL("./web_bench/page.ts", import.meta.url).pathname;
  const built = await new Deno.Command(Deno.execPath(), {
    args: ["bundle", "--quiet", "--platform", "browser", entry],
    stdout: "piped",
  }).output();
  if (!built.success) throw new Error("deno bundle failed");
  const { promise, resolve } = Promise.withResolvers<string>();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/done") resolve(await req.text());
    if (path === "/page.js") {
      return new Response(built.stdout, { headers: { "content-type": "text/javascript" } });
    }
    return new Response(
      '<!doctype html><link rel="icon" href="data:,"><script type="module" src="/page.js"></script>',
      {
        headers: { "content-type": "text/html" },
      },
    );
  });
  const profile = await Deno.makeTempDir({ prefix: "web-bench-" });
  const browser = await puppeteer.launch({
    executablePath: "/usr/bin/chromium",
    headless: true,
    userDataDir: profile,
    args: [...CHROMIUM_FLAGS],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.addr.port}/?steps=${steps}&tunings=${tunings}`);
    const result = JSON.parse(await promise);
    if (result.error) throw new Error(`in Chromium: ${result.error}`);
    return result;
  } finally {
    await browser.close();
    await server.shutdown();
    await Deno.remove(profile, { recursive: true });
  }
}

const seconds = (ms: number) => (ms / 1000).toFixed(1);
const chromium = await inChromium();
const deno = await inDeno();
console.log(
  `| where | adapter | tuning | pipelines | build (s) | first step (s) | ms/step (batch 64, ${steps} steps) |`,
);
console.log("| --- | --- | --- | ---: | ---: | ---: | ---: |");
for (const [where, run] of [["Chromium (Dawn)", chromium], ["Deno (wgpu)", deno]] as const) {
  for (const r of run.rows) {
    console.log(
      `| ${where} | ${run.adapter} | ${r.tuning} | ${r.pipelines} | ${seconds(r.pipelinesMs)} | ${
        seconds(r.firstStepMs)
      } | ${r.msPerStep.toFixed(0)} |`,
    );
  }
}
