/**
 * The browser app's own files: `index.html` and `style.css` as written in `web/`, and
 * `app.js`, the page's TypeScript (`web/main.ts` with the engine and everything it imports)
 * bundled for the browser by `deno bundle --platform browser`, read from its standard output
 * so that serving needs no write permission. Both `deno task web` and `deno task build-web`
 * take their page from here, so the served page and the static site are the same files.
 * Bundling takes about 5 s on this 2-core machine.
 *
 * @module
 */
import { BackendUnavailableError } from "../errors.ts";

/** The page's sources, found next to this library (`<repo>/web/`). */
const WEB_DIR = new URL("../../web/", import.meta.url);

/** File name → bytes of the page itself (no data, no models). */
export type PageFiles = Record<"index.html" | "style.css" | "app.js", Uint8Array>;

/**
 * Bundles and reads the page.
 *
 * Requires `--allow-read` for `web/` and `--allow-run=deno`.
 *
 * @param options `minify` for the static site.
 * @returns The three files.
 * @throws {BackendUnavailableError} when `deno bundle` fails (its first error line).
 */
export async function pageFiles(options: { minify?: boolean } = {}): Promise<PageFiles> {
  const entry = new URL("main.ts", WEB_DIR).pathname;
  const args = [
    "bundle",
    "--quiet",
    "--platform",
    "browser",
    ...(options.minify ? ["--minify"] : []),
  ];
  const out = await new Deno.Command("deno", {
    args: [...args, entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success || out.stdout.length === 0) {
    const lines = new TextDecoder().decode(out.stderr).split("\n").map((l) => l.trim());
    const why = lines.find((l) => /error/i.test(l)) ?? lines.find(Boolean) ?? "no output";
    throw new BackendUnavailableError(`deno bundle of the page failed: ${why}`);
  }
  return {
    "index.html": await Deno.readFile(new URL("index.html", WEB_DIR)),
    "style.css": await Deno.readFile(new URL("style.css", WEB_DIR)),
    "app.js": out.stdout,
  };
}
