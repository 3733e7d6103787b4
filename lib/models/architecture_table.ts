/**
 * The README's architecture table, rendered from the registry, so the documentation cannot
 * drift from `ARCHITECTURES` (a test compares the two).
 *
 * @module
 */
import { type LayerSpec, pair, type SeedArchitecture } from "./architecture.ts";

/** The table's column headers. */
export const ARCHITECTURE_TABLE_HEADER: readonly string[] = [
  "name",
  "seed",
  "layers (convs and hidden denses use ReLU)",
  "recipe (defaults)",
  "params",
  "seed's test accuracy",
];

/** ` tanh` for an activation other than the seeds' ReLU (and the last layer's softmax). */
const act = (
  a: string | undefined,
  usual: string,
) => (a === undefined || a === usual ? "" : ` ${a}`);

function layerText(layer: LayerSpec): string {
  switch (layer.type) {
    case "conv2d": {
      const [kh, kw] = pair(layer.kernelSize);
      const stride = layer.strides === undefined ? "" : ` /${pair(layer.strides).join("×")}`;
      return `conv${layer.filters} ${kh}×${kw}${stride}${layer.padding === "same" ? " same" : ""}` +
        act(layer.activation, "relu");
    }
    case "maxPool":
    case "avgPool": {
      const [ph, pw] = pair(layer.poolSize);
      const size = ph === pw ? `${ph}` : `${ph}×${pw}`;
      return `${layer.type === "maxPool" ? "maxpool" : "avgpool"}${size}`;
    }
    case "activation":
      return layer.activation;
    case "batchNorm":
      return "batchnorm";
    case "dropout":
      return `dropout ${String(layer.rate).replace(/^0\./, ".")}`;
    case "flatten":
      return "flatten";
    case "dense":
      return `dense${layer.units}${act(layer.activation, "relu")}`;
  }
}

/**
 * The cells of each architecture's row, in the order of {@linkcode ARCHITECTURE_TABLE_HEADER}.
 *
 * @param architectures The registry (or any list of architectures).
 * @returns One array of cell texts per architecture.
 *
 * @example
 * ```ts
 * import { architectureTableRows } from "./architecture_table.ts";
 * import { ARCHITECTURES } from "./architectures.ts";
 * import assert from "node:assert/strict";
 *
 * const [mlp] = architectureTableRows(Object.values(ARCHITECTURES));
 * assert.deepEqual(mlp!.slice(0, 2), ["`mlp`", "003"]);
 * ```
 */
export function architectureTableRows(architectures: readonly SeedArchitecture[]): string[][] {
  return architectures.map((arch) => {
    const { optimizer, batchSize, epochs } = arch.recipe;
    return [
      `\`${arch.name}\``,
      arch.seeds.join(", "),
      arch.layers.map(layerText).join(" · "),
      `${optimizer}, batch ${batchSize}, ${epochs} epochs`,
      arch.expectedParams.toLocaleString("en-US"),
      arch.seedAccuracy.map((a) => `${(a * 100).toFixed(2)} %`).join(" / "),
    ];
  });
}

/** The whole table as Markdown (header, rule, rows), ready to paste into the README. */
export function renderArchitectureTable(architectures: readonly SeedArchitecture[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  const rule = line(ARCHITECTURE_TABLE_HEADER.map((_, i) => (i === 4 || i === 5 ? "--:" : "---")));
  return [
    line(ARCHITECTURE_TABLE_HEADER),
    rule,
    ...architectureTableRows(architectures).map(line),
  ].join("\n");
}
