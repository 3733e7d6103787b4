/**
 * Starting the browser half of the engine check: the page (`page.ts`) bundled for the browser
 * with `deno bundle`, and headless Chromium with WebGPU on, opened at the local job server.
 * Either failure cleans up what it made and becomes one {@linkcode BackendUnavailableError}.
 *
 * @module
 */
import { BackendUnavailableError } from "../../../errors.ts";
import type { JobServer } from "./_browser_server.ts";

/** Chromium's flags for a headless run with WebGPU and no network chatter. */
export const CHROMIUM_FLAGS: readonly string[] = [
  "--headless=new",
  "--no-sandbox",
  "--enable-unsafe-webgpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/**
 * Bundles the page into `dir/page.js` and returns its bytes; on failure removes `dir`.
 *
 * @throws {BackendUnavailableError} naming the bundler's first error line.
 */
export async function bundlePage(dir: string): Promise<Uint8Array<ArrayBuffer>> {
  const entry = new URL("./page.ts", import.meta.url).pathname;
  const bundled = await new Deno.Command("deno", {
    args: ["bundle", "--quiet", "--platform", "browser", "-o", `${dir}/page.js`, entry],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!bundled.success) {
    await Deno.remove(dir, { recursive: true });
    const why = new TextDecoder().decode(bundled.stderr).trim().split("\n")[0];
    throw new BackendUnavailableError(`deno bundle of the check's page failed: ${why}`);
  }
  return await Deno.readFile(`${dir}/page.js`);
}

/**
 * Starts Chromium on the job server's page, its profile in `dir`; when it cannot start,
 * closes the server and removes `dir`.
 *
 * @throws {BackendUnavailableError} when the executable cannot be spawned.
 */
export async function spawnChromium(
  chromium: string,
  dir: string,
  jobs: JobServer,
): Promise<Deno.ChildProcess> {
  try {
    return new Deno.Command(chromium, {
      args: [...CHROMIUM_FLAGS, `--user-data-dir=${dir}/profile`, `http://127.0.0.1:${jobs.port}/`],
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (error) {
    await jobs.close();
    await Deno.remove(dir, { recursive: true });
    throw new BackendUnavailableError(`cannot start ${chromium}: ${(error as Error).message}`);
  }
}
