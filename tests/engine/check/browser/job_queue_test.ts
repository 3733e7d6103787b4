import assert from "node:assert/strict";
import { JobQueue } from "../../../../lib/engine/check/browser/_job_queue.ts";
import type { BrowserJob } from "../../../../lib/engine/check/browser/_wire.ts";
import { getArchitecture } from "../../../../lib/models/architectures.ts";
import { BackendUnavailableError } from "../../../../lib/errors.ts";

const job = (id: number): BrowserJob => ({
  id,
  arch: getArchitecture("mlp"),
  batchSize: 4,
  tuning: "cpu",
  seed: 1,
  optimizer: { kind: "sgd", learningRate: 0.1 },
  accBeta: [1, 1],
  paramCount: 10,
  slots: 0,
  stateCount: 0,
});
const bytes = (n: number) => new Uint8Array(n);

Deno.test("JobQueue hands a queued job to the next poll and settles it with the page's bytes", async () => {
  const jobs = new JobQueue();
  const result = jobs.submit(job(0), bytes(3), 10_000);
  assert.equal(jobs.pending(0)?.inputs.length, 3);
  assert.deepEqual(await jobs.next(), job(0));
  // A poll that comes first waits for the next submit.
  const polled = jobs.next();
  const second = jobs.submit(job(1), bytes(1), 10_000);
  assert.equal(((await polled) as BrowserJob).id, 1);
  jobs.pending(0)!.resolve(new ArrayBuffer(8));
  assert.equal((await result).byteLength, 8);
  assert.equal(jobs.pending(0), undefined, "a settled job is forgotten");
  jobs.pending(1)!.resolve(new ArrayBuffer(2));
  await second;
  jobs.adapterReady("google swiftshader");
  assert.equal(await jobs.adapter, "google swiftshader");
});

Deno.test("JobQueue.fail ends the waiting polls, the running jobs, the adapter and every later job", async () => {
  const jobs = new JobQueue();
  const polled = jobs.next();
  const running = jobs.submit(job(0), bytes(1), 10_000);
  assert.deepEqual(await polled, job(0));
  const poll = jobs.next();
  jobs.fail("Chromium exited");
  assert.deepEqual(await poll, { done: true });
  await assert.rejects(running, BackendUnavailableError);
  await assert.rejects(jobs.adapter, /headless Chromium: Chromium exited/);
  await assert.rejects(jobs.submit(job(1), bytes(1), 10_000), /Chromium exited/);
  assert.deepEqual(await jobs.next(), { done: true });
});

Deno.test("JobQueue fails the session when a step outlives its time limit", async () => {
  const jobs = new JobQueue();
  await assert.rejects(
    jobs.submit(job(7), bytes(1), 20),
    /step 7 \(mlp, batch 4\) took over 0\.02 s/,
  );
  await assert.rejects(jobs.submit(job(8), bytes(1), 10_000), /took over/);
});
