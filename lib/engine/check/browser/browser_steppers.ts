/**
 * The compiled WebGPU engine inside a browser, as engine-check steppers: the page
 * (`page.ts`) is bundled for the browser with `deno bundle`, served on 127.0.0.1, and
 * opened in headless Chromium with WebGPU on (Dawn and Tint; SwiftShader where there is no
 * GPU). Each step the check asks for is queued for the page, which runs it and posts the
 * outputs back. Anything the page logs as an error is kept, and fails the check.
 *
 * @module
 */
import type { Tuning } from "../../webgpu/_tiles.ts";
import type { EngineStep } from "../_engine_step.ts";
import type { Stepper } from "../engine_check.ts";
import { webgpuKeep } from "../_webgpu_step.ts";
import { type BrowserJob, decodeStep, encodeInputs } from "./_wire.ts";

/** A running browser and what it reported. */
export interface BrowserSession {
  /** The browser's adapter (vendor, architecture, …). */
  adapter: string;
  /** Error lines the page logged (console errors, uncaught errors, WebGPU errors). */
  errors: string[];
  /** One stepper per tuning (`auto`: `cpu` on a software adapter such as SwiftShader). */
  steppers(tunings: (Tuning | "auto")[]): Stepper[];
  close(): Promise<void>;
}

/** Chromium's flags for a headless run with WebGPU and no network chatter. */
const CHROMIUM_FLAGS = [
  "--headless=new",
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

interface Pending {
  job: BrowserJob;
  inputs: Uint8Array<ArrayBuffer>;
  resolve: (bytes: ArrayBuffer) => void;
  reject: (error: Error) => void;
}

/**
 * Bundles the page, serves it and starts Chromium.
 *
 * @param chromium The Chromium executable.
 * @param workDir A folder for the bundle and the browser profile.
 * @returns The session, once the page has reported its adapter.
 * @throws {Error} when the bundle fails or the page reports no adapter within a minute.
 */
export async function openBrowser(chromium: string, workDir: string): Promise<BrowserSession> {
  await Deno.mkdir(`${workDir}/profile`, { recursive: true });
  const entry = new URL("./page.ts", import.meta.url).pathname;
  const bundled = await new Deno.Command("deno", {
    args: ["bundle", "--quiet", "--platform", "browser", "-o", `${workDir}/page.js`, entry],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!bundled.success) {
    throw new Error(`deno bundle failed: ${new TextDecoder().decode(bundled.stderr).trim()}`);
  }
  const script = await Deno.readFile(`${workDir}/page.js`);
  const queue: Pending[] = [];
  const byId = new Map<number, Pending>();
  const waiting: ((job: BrowserJob | { done: true }) => void)[] = [];
  const errors: string[] = [];
  let closing = false;
  let adapterReady: (info: string) => void = () => {};
  const adapter = new Promise<string>((resolve) => (adapterReady = resolve));
  const next = () =>
    new Promise<BrowserJob | { done: true }>((resolve) => {
      const p = queue.shift();
      if (p) resolve(p.job);
      else if (closing) resolve({ done: true });
      else waiting.push(resolve);
    });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const [, route, id] = new URL(req.url).pathname.split("/");
    const pending = byId.get(Number(id));
    switch (route) {
      case "":
        return new Response('<!doctype html><script type="module" src="/page.js"></script>', {
          headers: { "content-type": "text/html" },
        });
      case "page.js":
        return new Response(script, { headers: { "content-type": "text/javascript" } });
      case "next":
        return Response.json(await next());
      case "inputs":
        return new Response(pending?.inputs ?? null, { status: pending ? 200 : 404 });
      case "result":
        pending?.resolve(await req.arrayBuffer());
        return new Response("ok");
      case "error":
        pending?.reject(new Error(`in the browser: ${await req.text()}`));
        return new Response("ok");
      case "adapter":
        adapterReady(await req.text());
        return new Response("ok");
      case "log":
        errors.push(await req.text());
        if (errors.at(-1)!.startsWith("fatal:")) adapterReady(errors.at(-1)!);
        return new Response("ok");
    }
    return new Response("not found", { status: 404 });
  });
  const child = new Deno.Command(chromium, {
    args: [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${workDir}/profile`,
      `http://127.0.0.1:${server.addr.port}/`,
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const exited = child.status.then(() => {
    for (const p of byId.values()) p.reject(new Error("the browser exited"));
  });
  const timer = setTimeout(() => adapterReady("fatal: the page did not start within 60 s"), 60_000);
  const info = await adapter;
  clearTimeout(timer);
  const close = async () => {
    closing = true;
    waiting.splice(0).forEach((w) => w({ done: true }));
    try {
      child.kill();
    } catch { /* already gone */ }
    await exited;
    await server.shutdown();
  };
  if (info.startsWith("fatal:")) {
    await close();
    throw new Error(`headless Chromium: ${info.slice(7)}`);
  }
  // Chromium names a software adapter in its architecture ("swiftshader"), not its description.
  const autoTuning: Tuning = /swiftshader|llvmpipe|lavapipe/i.test(info) ? "cpu" : "gpu";
  let nextId = 0;
  const stepper = (tuning: Tuning): Stepper => ({
    engine: "webgpu",
    tuning,
    adapter: `Chromium: ${info}`,
    run: async ({ arch, plan, inputs, seed }): Promise<EngineStep> => {
      const job: BrowserJob = {
        id: nextId++,
        arch,
        batchSize: plan.batchSize,
        tuning,
        seed,
        optimizer: inputs.optimizer,
        accBeta: inputs.accBeta,
        paramCount: plan.paramCount,
        slots: inputs.slots.length,
      };
      const bytes = await new Promise<ArrayBuffer>((resolve, reject) => {
        const p = {
          job,
          inputs: encodeInputs(inputs.images, inputs.labels, inputs.params, inputs.slots),
          resolve,
          reject,
        };
        byId.set(job.id, p);
        const w = waiting.shift();
        if (w) w(job);
        else queue.push(p);
      }).finally(() => byId.delete(job.id));
      const step = decodeStep(bytes, job);
      const rates = new Map(
        plan.layers.flatMap((l) => l.kind === "dropout" ? [[l.index, l.rate]] : []),
      );
      return {
        lossSum: step.lossSum,
        correct: step.correct,
        grads: step.grads,
        after: { params: step.params, slots: step.slots, accBeta: step.accBeta },
        keep: (layer, i) => webgpuKeep(seed, 0, rates.get(layer) ?? 0, i),
      };
    },
  });
  return {
    adapter: info,
    errors,
    steppers: (tunings) =>
      [...new Set(tunings.map((t) => (t === "auto" ? autoTuning : t)))].map(stepper),
    close,
  };
}
