/**
 * The local side of the engine check's browser session: an HTTP server on 127.0.0.1 that
 * serves the bundled page, hands it queued steps (`GET /next`, long-polled), takes their
 * outputs back, and collects what the page logs. One `fail` ends every waiting step and
 * every later one with the same reason (the browser exited, the page died, a step timed
 * out), so nothing waits forever.
 *
 * @module
 */
import { BackendUnavailableError } from "../../../errors.ts";
import type { BrowserJob } from "./_wire.ts";

interface Pending {
  job: BrowserJob;
  inputs: Uint8Array<ArrayBuffer>;
  resolve: (bytes: ArrayBuffer) => void;
  reject: (error: Error) => void;
}

/** The server's state as the session sees it. */
export interface JobServer {
  port: number;
  /** Error lines the page logged (console errors, uncaught errors, WebGPU errors). */
  errors: string[];
  /** Resolves with the page's adapter line, or rejects when the session failed first. */
  adapter: Promise<string>;
  /** Queues a job; resolves with the page's output bytes. */
  submit(job: BrowserJob, inputs: Uint8Array<ArrayBuffer>, timeoutMs: number): Promise<ArrayBuffer>;
  /** Ends every waiting and later job with `reason`. */
  fail(reason: string): void;
  close(): Promise<void>;
}

/**
 * Starts the server.
 *
 * @param script The bundled page script.
 * @returns The server.
 */
export function serveJobs(script: Uint8Array<ArrayBuffer>): JobServer {
  const queue: Pending[] = [];
  const byId = new Map<number, Pending>();
  const waiting: ((job: BrowserJob | { done: true }) => void)[] = [];
  const errors: string[] = [];
  let failure: BackendUnavailableError | null = null;
  let closing = false;
  let adapterReady: (info: string) => void = () => {};
  let adapterFailed: (error: Error) => void = () => {};
  const adapter = new Promise<string>((resolve, reject) => {
    adapterReady = resolve;
    adapterFailed = reject;
  });
  adapter.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  const fail = (reason: string) => {
    failure ??= new BackendUnavailableError(`headless Chromium: ${reason}`);
    adapterFailed(failure);
    for (const p of [...byId.values()]) p.reject(failure);
    closing = true;
    waiting.splice(0).forEach((w) => w({ done: true }));
  };
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
        pending?.reject(new BackendUnavailableError(`in headless Chromium: ${await req.text()}`));
        return new Response("ok");
      case "adapter":
        adapterReady(await req.text());
        return new Response("ok");
      case "log": {
        const line = await req.text();
        errors.push(line);
        if (line.startsWith("fatal:")) fail(`the page stopped: ${line.slice(7)}`);
        return new Response("ok");
      }
    }
    return new Response("not found", { status: 404 });
  });
  return {
    port: server.addr.port,
    errors,
    adapter,
    fail,
    submit: (job, inputs, timeoutMs) => {
      if (failure) return Promise.reject(failure);
      return new Promise<ArrayBuffer>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            fail(
              `step ${job.id} (${job.arch.name}, batch ${job.batchSize}) took over ${
                timeoutMs / 1000
              } s`,
            ),
          timeoutMs,
        );
        const done = () => {
          clearTimeout(timer);
          byId.delete(job.id);
        };
        const p: Pending = {
          job,
          inputs,
          resolve: (b) => (done(), resolve(b)),
          reject: (e) => (done(), reject(e)),
        };
        byId.set(job.id, p);
        const w = waiting.shift();
        if (w) w(job);
        else queue.push(p);
      });
    },
    close: async () => {
      closing = true;
      waiting.splice(0).forEach((w) => w({ done: true }));
      await server.shutdown();
    },
  };
}
