/**
 * The compiled WebGPU engine inside a browser, as engine-check steppers: the page
 * (`page.ts`) is bundled for the browser with `deno bundle`, served on 127.0.0.1, and
 * opened in headless Chromium with WebGPU on (Dawn and Tint; SwiftShader where there is no
 * GPU). Each step the check asks for is queued for the page, which runs it and posts the
 * outputs back. Anything the page logs as an error is kept, and fails the check.
 *
 * @module
 */
import { isSoftwareAdapter } from "../../webgpu/_adapter_tuning.ts";
import type { Tuning } from "../../webgpu/_tiles.ts";
import type { EngineStep } from "../_engine_step.ts";
import type { Stepper } from "../engine_check.ts";
import { webgpuKeepOf } from "../_webgpu_step.ts";
import { bundlePage, spawnChromium } from "./_browser_launch.ts";
import { type JobServer, serveJobs } from "./_browser_server.ts";
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

/**
 * How long one step may take in the browser: SwiftShader builds the llvmpipe tuning's cnn-deep
 * pipelines in 46–65 s and runs a batch-1024 step in seconds; a step that takes five minutes
 * has hung.
 */
const STEP_TIMEOUT_MS = 300_000;
/** How long the page may take to load and report its adapter. */
const START_TIMEOUT_MS = 60_000;

/**
 * Bundles the page, serves it and starts Chromium, each session in a folder of its own under
 * `workDir` (its bundle and browser profile; removed at `close`), so two sessions never share
 * a profile: a second Chromium would hand its page to the first one's window and exit.
 *
 * @param chromium The Chromium executable.
 * @param workDir A folder for the sessions' folders.
 * @returns The session, once the page has reported its adapter.
 * @throws {BackendUnavailableError} when the bundle fails, Chromium cannot start or exits, or
 *   the page reports no adapter within a minute.
 */
export async function openBrowser(chromium: string, workDir: string): Promise<BrowserSession> {
  await Deno.mkdir(workDir, { recursive: true });
  const dir = await Deno.makeTempDir({ dir: workDir, prefix: "session-" });
  const jobs = serveJobs(await bundlePage(dir));
  const child = await spawnChromium(chromium, dir, jobs);
  let closed = false;
  const exited = child.status.then((s) => {
    if (!closed) jobs.fail(`Chromium exited (code ${s.code}) before the check was done`);
  });
  const close = async () => {
    closed = true;
    jobs.fail("the session was closed");
    try {
      child.kill();
    } catch { /* already gone */ }
    await exited;
    await jobs.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  const info = await adapterOf(jobs, close);
  // The page reports vendor, architecture, device and description in one line; Chromium names
  // SwiftShader in its architecture.
  const autoTuning: Tuning = isSoftwareAdapter({ description: info }) ? "cpu" : "gpu";
  const ids = { next: 0 };
  return {
    adapter: info,
    errors: jobs.errors,
    steppers: (tunings) =>
      [...new Set(tunings.map((t) => (t === "auto" ? autoTuning : t)))].map((tuning) =>
        browserStepper(jobs, tuning, info, ids)
      ),
    close,
  };
}

/** The page's adapter line, once it loaded; closes the session when it does not in time. */
async function adapterOf(jobs: JobServer, close: () => Promise<void>): Promise<string> {
  const timer = setTimeout(() => jobs.fail("the page did not start within 60 s"), START_TIMEOUT_MS);
  try {
    return await jobs.adapter;
  } catch (error) {
    await close();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** A stepper that runs each step in the page with `tuning`; `ids` numbers the session's jobs. */
function browserStepper(
  jobs: JobServer,
  tuning: Tuning,
  info: string,
  ids: { next: number },
): Stepper {
  return {
    engine: "webgpu",
    tuning,
    adapter: `Chromium: ${info}`,
    run: async ({ arch, plan, inputs, seed }): Promise<EngineStep> => {
      const job: BrowserJob = {
        id: ids.next++,
        arch,
        batchSize: plan.batchSize,
        tuning,
        seed,
        optimizer: inputs.optimizer,
        accBeta: inputs.accBeta,
        paramCount: plan.paramCount,
        slots: inputs.slots.length,
        stateCount: plan.stateCount,
      };
      const bytes = await jobs.submit(job, encodeInputs(inputs), STEP_TIMEOUT_MS);
      const step = decodeStep(bytes, job);
      return {
        lossSum: step.lossSum,
        correct: step.correct,
        grads: step.grads,
        after: {
          params: step.params,
          slots: step.slots,
          accBeta: step.accBeta,
          state: step.state,
        },
        keep: webgpuKeepOf(plan, seed),
      };
    },
  };
}
