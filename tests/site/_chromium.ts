/**
 * Headless Chromium driven by puppeteer-core, for the browser app's tests: Debian's
 * `/usr/bin/chromium` (no browser download), a fresh profile per launch, WebGPU on or off, and
 * every console error, uncaught error and WebGPU message of the page collected so a test can
 * fail on them.
 */
// @ts-types="./_puppeteer.d.ts"
import puppeteer from "puppeteer-core";
import type { Browser, Page } from "./_puppeteer.d.ts";
import { CHROMIUM_FLAGS } from "../../lib/engine/check/browser/_browser_launch.ts";

/** Debian's Chromium, as the engine check and the HTML-report test use it. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether Chromium is installed. */
export const HAS_CHROMIUM: boolean = await Deno.stat(CHROMIUM).then(() => true, () => false);

/** A page and what it logged. */
export interface OpenPage {
  page: Page;
  /** Console errors, uncaught errors and any WebGPU validation message. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Starts Chromium and opens a page.
 *
 * @param webgpu Whether WebGPU is on (`--enable-unsafe-webgpu`: SwiftShader here). Without it,
 *   Chromium on Linux offers no adapter, the case of a browser without WebGPU.
 * @returns The page, before any navigation.
 */
export async function openPage(webgpu: boolean): Promise<OpenPage> {
  const profile = await Deno.makeTempDir({ prefix: "web-app-chromium-" });
  const browser: Browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    // The engine check's flags; without WebGPU, the same less --enable-unsafe-webgpu.
    args: CHROMIUM_FLAGS.filter((flag) => webgpu || flag !== "--enable-unsafe-webgpu"),
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 1000 });
  const problems: string[] = [];
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" || /WebGPU|GPUValidationError|validation error/i.test(text)) {
      if (!(webgpu === false && /No available adapters/.test(text))) {
        problems.push(`console.${message.type()}: ${text}`);
      }
    }
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${String(error)}`));
  return {
    page,
    problems,
    close: async () => {
      await browser.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * Draws a 7 on the pad with pointer events, in MNIST's style: a thick top bar and a long
 * diagonal, the whole digit about 20/28 of the pad's height and centred.
 *
 * @param page The page.
 * @param selector The pad.
 */
export async function drawSeven(page: Page, selector: string): Promise<void> {
  const box = (await (await page.$(selector))!.boundingBox())!;
  const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
  const stroke = async (points: (readonly [number, number])[]) => {
    await page.mouse.move(...at(...points[0]!));
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...at(...p), { steps: 12 });
    await page.mouse.up();
  };
  await stroke([[0.3, 0.22], [0.72, 0.22], [0.45, 0.8]]);
}
