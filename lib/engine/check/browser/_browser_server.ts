/**
 * The local side of the engine check's browser session: an HTTP server on 127.0.0.1 that
 * serves the bundled page, hands it queued steps (`GET /next`, long-polled), takes their
 * outputs back, and collects what the page logs. The steps themselves wait in a
 * {@linkcode JobQueue} (`_job_queue.ts`), which also ends them all when the session fails.
 *
 * @module
 */
import { BackendUnavailableError } from "../../../errors.ts";
import { JobQueue } from "./_job_queue.ts";
import type { BrowserJob } from "./_wire.ts";

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
  const jobs = new JobQueue();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => route(req, jobs, script),
  );
  return {
    port: server.addr.port,
    errors: jobs.errors,
    adapter: jobs.adapter,
    fail: (reason) => jobs.fail(reason),
    submit: (job, inputs, timeoutMs) => jobs.submit(job, inputs, timeoutMs),
    close: async () => {
      jobs.end();
      await server.shutdown();
    },
  };
}

/** Answers one request of the page: `/`, `/page.js`, `/next`, and the posts of step `/<route>/<id>`. */
async function route(
  req: Request,
  jobs: JobQueue,
  script: Uint8Array<ArrayBuffer>,
): Promise<Response> {
  const [, route, id] = new URL(req.url).pathname.split("/");
  const pending = jobs.pending(Number(id));
  switch (route) {
    case "":
      return new Response('<!doctype html><script type="module" src="/page.js"></script>', {
        headers: { "content-type": "text/html" },
      });
    case "page.js":
      return new Response(script, { headers: { "content-type": "text/javascript" } });
    case "next":
      return Response.json(await jobs.next());
    case "inputs":
      return new Response(pending?.inputs ?? null, { status: pending ? 200 : 404 });
    case "result":
      pending?.resolve(await req.arrayBuffer());
      return new Response("ok");
    case "error":
      pending?.reject(new BackendUnavailableError(`in headless Chromium: ${await req.text()}`));
      return new Response("ok");
    case "adapter":
      jobs.adapterReady(await req.text());
      return new Response("ok");
    case "log": {
      const line = await req.text();
      jobs.errors.push(line);
      if (line.startsWith("fatal:")) jobs.fail(`the page stopped: ${line.slice(7)}`);
      return new Response("ok");
    }
  }
  return new Response("not found", { status: 404 });
}
