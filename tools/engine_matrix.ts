/**
 * Prints the portability matrix from engine-check JSON files (one per WebGPU
 * implementation), as `.ci/engine_matrix.sh` writes them, and exits 1 when any cell is over
 * the tolerance.
 *
 * Usage: deno run --allow-read tools/engine_matrix.ts NAME=FILE.json …
 *
 * @module
 */
import { renderMatrix } from "../lib/engine/check/render_matrix.ts";

const runs = await Promise.all(Deno.args.map(async (arg) => {
  const [implementation, file] = arg.split("=");
  return { implementation: implementation!, reports: JSON.parse(await Deno.readTextFile(file!)) };
}));
const { markdown, ok } = renderMatrix(runs);
console.log(markdown);
if (!ok) Deno.exitCode = 1;
