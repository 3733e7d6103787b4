/**
 * The request handler of `deno task web`: it answers only for the page's three files, the four
 * verified MNIST files (`/mnist/<name>`, the same bytes the Deno loader verified) and the saved
 * models (`/models/index.json` lists them, `/models/<folder>/<file>` reads one, read-only); everything
 * else is 404, and any method but GET and HEAD is 405. Every answer carries the two headers
 * that make the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin,
 * Cross-Origin-Embedder-Policy: require-corp), which the browser requires before it gives the
 * wasm engine's threads a SharedArrayBuffer.
 *
 * @module
 */
import { listModels, readModelFile } from "./model_files.ts";
import type { PageFiles } from "./page_files.ts";

/** The headers a page needs to be cross-origin isolated (SharedArrayBuffer, wasm threads). */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
};

const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
};

/** What the handler serves. */
export interface SiteContent {
  /** The page. */
  page: PageFiles;
  /** MNIST file name → verified raw bytes. */
  mnist: ReadonlyMap<string, Uint8Array>;
  /** The model root (`models`). */
  modelRoot: string;
}

function typeOf(name: string): string {
  return TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream";
}

function answer(body: Uint8Array | string | null, status: number, type: string): Response {
  return new Response(body as BodyInit | null, {
    status,
    headers: {
      ...ISOLATION_HEADERS,
      "content-type": type,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
    },
  });
}

const notFound = () => answer("not found\n", 404, "text/plain; charset=utf-8");

/**
 * Makes the handler.
 *
 * @param content The page, the MNIST bytes and the model root.
 * @returns A `Deno.serve` handler.
 */
export function siteHandler(content: SiteContent): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      return answer("method not allowed\n", 405, "text/plain; charset=utf-8");
    }
    const response = await route(new URL(req.url).pathname, content);
    return req.method === "HEAD" ? new Response(null, response) : response;
  };
}

async function route(path: string, content: SiteContent): Promise<Response> {
  if (path === "/") return answer(content.page["index.html"], 200, TYPES.html!);
  const parts = path.split("/").slice(1);
  if (parts.length === 1 && Object.hasOwn(content.page, parts[0]!)) {
    const name = parts[0] as keyof PageFiles;
    return answer(content.page[name], 200, typeOf(name));
  }
  if (parts.length === 2 && parts[0] === "mnist") {
    const bytes = content.mnist.get(parts[1]!);
    return bytes ? answer(bytes, 200, "application/octet-stream") : notFound();
  }
  if (parts[0] !== "models") return notFound();
  if (parts.length === 2 && parts[1] === "index.json") {
    return answer(JSON.stringify(await listModels(content.modelRoot)), 200, TYPES.json!);
  }
  if (parts.length !== 3) return notFound();
  const bytes = await readModelFile(content.modelRoot, parts[1]!, parts[2]!);
  return bytes ? answer(bytes, 200, typeOf(parts[2]!)) : notFound();
}
