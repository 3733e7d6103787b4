/**
 * The browser app end to end in headless Chromium (puppeteer-core, Debian's chromium): the
 * server of `deno task web`, the page opened with `?arch=cnn-basic&epochs=1&limit=2000&
 * autostart=1`, one epoch trained on Chromium's WebGPU (SwiftShader here), the result checked
 * against Deno's own run of the same compiled engine on the same seed and data, a 7 drawn on
 * the pad, and no console error or WebGPU message on the way. Screenshots go to `reports/web/`.
 */
import assert from "node:assert/strict";
import { serveSite } from "../../lib/site/serve_site.ts";
import { buildSite } from "../../lib/site/build_site.ts";
import { loadMnist } from "../../lib/data/load_mnist.ts";
import { exportModelFiles, getArchitecture, trainInBrowser } from "../../lib/web/mod.ts";
import { freshState } from "../../lib/web/fresh_state.ts";
import { planTraining } from "../../lib/engine/plan.ts";
import { kerasOptimizer } from "../../lib/engine/check/_check_inputs.ts";
import { MNIST_FILES } from "../../lib/data/checksums.ts";
import { defaultWebConfig } from "../../lib/defaults.ts";
import { HAS_DATASET } from "../cli/_deno_task.ts";
import { drawSeven, HAS_CHROMIUM, type OpenPage, openPage } from "./_chromium.ts";
import type { RunSummary } from "../../web/train_view.ts";
import { serveStatic } from "./_static_host.ts";

const RUN = { arch: "cnn-basic", epochs: 1, limit: 2000 };
const QUERY = `?arch=${RUN.arch}&epochs=${RUN.epochs}&limit=${RUN.limit}&autostart=1`;
/** SwiftShader builds the pipelines and runs the epoch and the 10,000-image test in ~1-2 min. */
const RUN_TIMEOUT_MS = 8 * 60_000;

/** Deno's compiled WebGPU engine on the same architecture, seed and images: its first step. */
async function denoFirstStepLoss(): Promise<number> {
  const data = await loadMnist({ mirrors: [], cache: false });
  const stop = new AbortController();
  const run = await trainInBrowser({
    arch: RUN.arch,
    data,
    epochs: RUN.epochs,
    limit: RUN.limit,
    seed: defaultWebConfig().seed,
    signal: stop.signal,
    onProgress: (p) => p.step >= 1 && stop.abort(),
  });
  run.engine.dispose();
  assert.ok(run.firstStepLoss !== undefined, "Deno's run reported no first step");
  return run.firstStepLoss;
}

/** The app on `host` (default: the `deno task web` server) in a fresh Chromium. */
async function withApp(
  webgpu: boolean,
  body: (app: OpenPage, server: { url: string }) => Promise<void>,
  host: () => Promise<{ url: string; shutdown(): Promise<void> }> = () => serveSite({ port: 0 }),
) {
  const server = await host();
  const app = await openPage(webgpu);
  try {
    await body(app, server);
  } finally {
    await app.close();
    await server.shutdown();
  }
}

/** The text of the element `data-testid=<id>` (evaluated in the page, where the DOM is). */
const text = (app: OpenPage, id: string) =>
  app.page.evaluate<string | undefined>(
    `document.querySelector("[data-testid=${id}]")?.textContent`,
  );

async function screenshot(app: OpenPage, name: string): Promise<void> {
  const dir = defaultWebConfig().screenshotDir;
  await Deno.mkdir(dir, { recursive: true });
  await app.page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

/** Waits for the run's result line and parses it; a timeout names the page's error line. */
async function runResult(app: OpenPage): Promise<RunSummary> {
  await app.page.waitForSelector("[data-testid=result]:not([hidden])", {
    timeout: RUN_TIMEOUT_MS,
  }).catch(async (error) => {
    throw new Error(`no result: ${await text(app, "error")} ${app.problems.join("; ")}`, {
      cause: error,
    });
  });
  return JSON.parse((await text(app, "result"))!);
}

/** Waits for the prediction of the pad as it is now (not of a half-drawn stroke). */
async function predictionOfLastStroke(app: OpenPage): Promise<void> {
  await app.page.waitForFunction(
    `document.querySelector("[data-testid=prediction]").dataset.version === ` +
      `document.querySelector("[data-testid=pad]").dataset.version`,
    { timeout: 60_000 },
  );
}

async function expectSeven(app: OpenPage): Promise<void> {
  await drawSeven(app.page, "[data-testid=pad]");
  await predictionOfLastStroke(app);
  const probabilities = await text(app, "probabilities");
  assert.equal(await text(app, "prediction"), "7", `the pad's probabilities: ${probabilities}`);
}

Deno.test({
  name: "the app trains cnn-basic on Chromium's WebGPU, matches Deno's first step, reads a drawn 7",
  ignore: !HAS_CHROMIUM || !HAS_DATASET,
  sanitizeResources: false, // puppeteer's websocket to Chromium closes after the test ends
  sanitizeOps: false,
  async fn() {
    const expected = await denoFirstStepLoss();
    await withApp(true, async (app, server) => {
      await app.page.goto(`${server.url}${QUERY}`);
      const result = await runResult(app);
      console.log(`browser: ${JSON.stringify(result)}; Deno's first step: ${expected}`);
      assert.equal(result.arch, RUN.arch);
      assert.equal(result.backend, "webgpu");
      assert.equal(result.engine, "compiled");
      assert.equal(result.epochs, RUN.epochs);
      assert.ok(result.testAccuracy >= 0.8, `test accuracy ${result.testAccuracy}`);
      assert.ok(result.msPerStep > 0);
      assert.ok(
        Math.abs(result.firstStepLoss - expected) <= 1e-3,
        `first-step loss ${result.firstStepLoss} in Chromium, ${expected} in Deno`,
      );
      await expectSeven(app);
      await screenshot(app, "webgpu");
      assert.deepEqual(app.problems, []);
    });
  },
});

Deno.test({
  name:
    "without WebGPU the app trains on the wasm engine (threads: the page is isolated) and predicts",
  ignore: !HAS_CHROMIUM || !HAS_DATASET,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await withApp(false, async (app, server) => {
      await app.page.goto(`${server.url}?arch=${RUN.arch}&epochs=1&limit=512&autostart=1`);
      const result = await runResult(app);
      console.log(`browser without WebGPU: ${JSON.stringify(result)}`);
      assert.match((await text(app, "device"))!, /the wasm engine, threads$/);
      assert.equal(result.backend, "wasm");
      assert.equal(result.engine, "compiled");
      assert.ok(Math.abs(result.firstStepLoss - Math.log(10)) < 0.1, `${result.firstStepLoss}`);
      assert.ok(result.testAccuracy > 0.3, `test accuracy ${result.testAccuracy} after 6 steps`);
      await drawSeven(app.page, "[data-testid=pad]");
      await predictionOfLastStroke(app);
      assert.match((await text(app, "prediction"))!, /^[0-9]$/);
      await screenshot(app, "wasm");
      assert.deepEqual(app.problems, []);
    });
  },
});

Deno.test({
  name:
    "the static site on a host without the isolation headers trains a pasted Keras model on one thread",
  ignore: !HAS_CHROMIUM || !HAS_DATASET,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "web-site-" });
    try {
      await buildSite({ outDir: `${dir}/web` });
      await withApp(false, async (app, host) => {
        // The user's own architecture, pasted: LeNet-5 as Keras saved it.
        const keras = await Deno.readTextFile(
          new URL("../../examples/lenet5.keras.json", import.meta.url),
        );
        await app.page.goto(`${host.url}?epochs=1&limit=256`);
        await app.page.waitForFunction(
          `document.querySelector("#device").textContent.startsWith("No")`,
          {
            timeout: 60_000,
          },
        );
        await app.page.evaluate(
          `document.querySelector("textarea[name=keras]").value = ${JSON.stringify(keras)}; ` +
            `document.querySelector("[data-testid=train]").click()`,
        );
        const result = await runResult(app);
        assert.match((await text(app, "device"))!, /one thread \(not cross-origin isolated\)$/);
        assert.equal(result.backend, "wasm");
        assert.equal(result.arch, "lenet5");
        assert.ok(Number.isFinite(result.testAccuracy));
        assert.match((await text(app, "model-status"))!, /^No saved models here/);
        assert.deepEqual(app.problems, []);
      }, () => Promise.resolve(serveStatic(`${dir}/web`)));
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** A saved mlp as `lib/web` writes one (fresh Keras-style weights, one epoch in its history). */
async function saveFixtureModel(dir: string): Promise<void> {
  const architecture = getArchitecture("mlp");
  const fresh = freshState(planTraining(architecture, 1), kerasOptimizer("adam", 0.001), 3);
  const files = await exportModelFiles({
    architecture,
    recipe: architecture.recipe!,
    params: fresh.params,
    state: fresh.state,
    history: [{ epoch: 1, loss: 2.3, acc: 0.1, seconds: 1, imagesPerSecond: 1 }],
    trainCount: 60_000,
    datasetSha256: Object.fromEntries(Object.values(MNIST_FILES).map((f) => [f.name, f.sha256])),
    backend: "fixture",
  });
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await Deno.writeFile(`${dir}/${name}`, bytes);
}

Deno.test({
  name: "a saved model listed by the server loads in the page and predicts the pad",
  ignore: !HAS_CHROMIUM || !HAS_DATASET,
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const root = await Deno.makeTempDir({ prefix: "web-models-" });
    try {
      await saveFixtureModel(`${root}/fixture-mlp`);
      await withApp(false, async (app, server) => {
        await app.page.goto(server.url);
        await app.page.waitForFunction(`!document.querySelector("#load-model").disabled`, {
          timeout: 60_000,
        });
        assert.match((await text(app, "saved-models"))!, /^fixture-mlp \(mlp\)$/);
        await app.page.evaluate(`document.querySelector("#load-model").click()`);
        await app.page.waitForFunction(
          `document.querySelector("[data-testid=model-status]").textContent.startsWith("Loaded")`,
          { timeout: 60_000 },
        );
        await drawSeven(app.page, "[data-testid=pad]");
        await predictionOfLastStroke(app);
        assert.match((await text(app, "prediction"))!, /^[0-9]$/);
        assert.deepEqual(app.problems, []);
      }, () => serveSite({ port: 0, modelRoot: root }));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  },
});
