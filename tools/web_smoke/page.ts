/**
 * The smoke run's page, bundled for the browser: runs `smoke` and posts its lines, summary
 * and exported files back to the serving tool.
 *
 * @module
 */
import { smoke } from "./smoke_body.ts";

const post = (path: string, body: BodyInit) => fetch(path, { method: "POST", body });
addEventListener("error", (e) => void post("/log", `uncaught: ${e.message}`));
addEventListener("unhandledrejection", (e) => void post("/log", `unhandled: ${String(e.reason)}`));

try {
  const search = new URL(location.href).searchParams;
  const engine = search.get("engine") === "wasm" ? "wasm" : "webgpu";
  const extra = {
    selfCheck: search.has("selfcheck"),
    batchSize: Number(search.get("batch")) || undefined,
  };
  const { summary, files } = await smoke(
    new URL("/mnist/", location.href),
    (line) => {
      void post("/log", line);
    },
    engine,
    extra,
  );
  for (const [name, bytes] of Object.entries(files)) await post(`/file/${name}`, bytes);
  await post("/done", JSON.stringify(summary));
} catch (error) {
  await post("/done", JSON.stringify({ error: String((error as Error)?.stack ?? error) }));
}
