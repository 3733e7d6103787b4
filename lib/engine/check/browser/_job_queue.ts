/**
 * The engine check's queue of browser steps, without the HTTP around it: steps wait here
 * until the page long-polls for one, and resolve when the page posts their outputs. One
 * `fail` ends every waiting step and every later one with the same reason (the browser
 * exited, the page died, a step timed out), so nothing waits forever.
 *
 * @module
 */
import { BackendUnavailableError } from "../../../errors.ts";
import type { BrowserJob } from "./_wire.ts";

/** A queued or running step: its job, its input bytes, and how to settle its promise. */
export interface Pending {
  job: BrowserJob;
  inputs: Uint8Array<ArrayBuffer>;
  resolve: (bytes: ArrayBuffer) => void;
  reject: (error: Error) => void;
}

/** What `GET /next` answers: the next job, or that there will be none. */
export type NextJob = BrowserJob | { done: true };

/** The steps of one browser session and the page's adapter line. */
export class JobQueue {
  /** Error lines the page logged (console errors, uncaught errors, WebGPU errors). */
  readonly errors: string[] = [];
  /** Resolves with the page's adapter line, or rejects when the session failed first. */
  readonly adapter: Promise<string>;
  #queue: Pending[] = [];
  #byId = new Map<number, Pending>();
  #waiting: ((job: NextJob) => void)[] = [];
  #failure: BackendUnavailableError | null = null;
  #closing = false;
  #adapterReady: (info: string) => void = () => {};
  #adapterFailed: (error: Error) => void = () => {};

  constructor() {
    this.adapter = new Promise<string>((resolve, reject) => {
      this.#adapterReady = resolve;
      this.#adapterFailed = reject;
    });
    this.adapter.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  }

  /** The step with this id, while it is queued or running. */
  pending(id: number): Pending | undefined {
    return this.#byId.get(id);
  }

  /** Records the page's adapter line. */
  adapterReady(info: string): void {
    this.#adapterReady(info);
  }

  /** The next queued job; waits for one unless the session is ending. */
  next(): Promise<NextJob> {
    return new Promise((resolve) => {
      const p = this.#queue.shift();
      if (p) resolve(p.job);
      else if (this.#closing) resolve({ done: true });
      else this.#waiting.push(resolve);
    });
  }

  /** Queues a job; resolves with the page's output bytes, or fails the session at `timeoutMs`. */
  submit(
    job: BrowserJob,
    inputs: Uint8Array<ArrayBuffer>,
    timeoutMs: number,
  ): Promise<ArrayBuffer> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise<ArrayBuffer>((resolve, reject) => {
      const what = `step ${job.id} (${job.arch.name}, batch ${job.batchSize})`;
      const timer = setTimeout(
        () => this.fail(`${what} took over ${timeoutMs / 1000} s`),
        timeoutMs,
      );
      const done = () => {
        clearTimeout(timer);
        this.#byId.delete(job.id);
      };
      const p: Pending = {
        job,
        inputs,
        resolve: (b) => (done(), resolve(b)),
        reject: (e) => (done(), reject(e)),
      };
      this.#byId.set(job.id, p);
      const w = this.#waiting.shift();
      if (w) w(job);
      else this.#queue.push(p);
    });
  }

  /** Ends every waiting and later job with `reason`. */
  fail(reason: string): void {
    this.#failure ??= new BackendUnavailableError(`headless Chromium: ${reason}`);
    this.#adapterFailed(this.#failure);
    for (const p of [...this.#byId.values()]) p.reject(this.#failure);
    this.end();
  }

  /** Answers every waiting and later poll with `done`. */
  end(): void {
    this.#closing = true;
    this.#waiting.splice(0).forEach((w) => w({ done: true }));
  }
}
