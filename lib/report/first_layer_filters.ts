/**
 * The first-layer filters view (seed 001): what the first layer learned to look for. For a
 * CNN these are the first conv layer's kernels (e.g. 32 × 3×3); for the MLP, the first dense
 * layer's weights into each unit, reshaped to 28×28.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { UsageError } from "../errors.ts";
import { IMAGE_PIXELS, IMAGE_SIZE } from "../data/types.ts";
import type { Raster } from "../image/raster.ts";
import { digitGridSvg } from "./_digit_grid_svg.ts";
import { withJupyterDisplay } from "./_jupyter.ts";

/** The data of the filters view. */
export interface FirstLayerFilters {
  /** Name of the layer the weights come from. */
  layer: string;
  /** `conv` kernels or `dense` unit weights over the image. */
  kind: "conv" | "dense";
  /** Kernel height and width (28×28 for dense). */
  height: number;
  /** Kernel width. */
  width: number;
  /** One row-major `height × width` array of weights per filter. */
  filters: Float32Array[];
}

/**
 * Reads the first layer's weights (awaits the data, so it works on every backend). In a
 * Jupyter notebook the result shows itself as the grid of filters (SVG).
 *
 * @param model A layers model whose first weighted layer is Conv2D (one input channel) or
 *   Dense over the flattened 28×28 image.
 * @param limit At most this many dense units (conv layers always give all filters).
 * @returns The filters, one weight array each.
 * @throws {UsageError} when the model has neither such layer.
 */
export async function firstLayerFilters(
  model: tf.LayersModel,
  limit = 32,
): Promise<FirstLayerFilters> {
  const layer = model.layers.find((l) => ["Conv2D", "Dense"].includes(l.getClassName()));
  const kernel = layer?.getWeights()[0];
  if (layer === undefined || kernel === undefined) {
    throw new UsageError(`Model "${model.name}" has no conv or dense layer to show`);
  }
  const data = await kernel.data() as Float32Array;
  if (layer.getClassName() === "Conv2D") {
    const [height = 0, width = 0, channels = 0, count = 0] = kernel.shape;
    if (channels !== 1) throw new UsageError(`Layer ${layer.name} has ${channels} input channels`);
    // Weights are laid out [kh, kw, 1, filters]: filter f's pixel p sits at p * count + f.
    const filters = Array.from({ length: count }, (_, f) => {
      const out = new Float32Array(height * width);
      for (let p = 0; p < out.length; p++) out[p] = data[p * count + f]!;
      return out;
    });
    return displayable({ layer: layer.name, kind: "conv", height, width, filters });
  }
  const [inputs = 0, units = 0] = kernel.shape;
  if (inputs !== IMAGE_PIXELS) {
    throw new UsageError(`Layer ${layer.name} takes ${inputs} inputs, not a 28×28 image`);
  }
  const filters = Array.from({ length: Math.min(limit, units) }, (_, u) => {
    const out = new Float32Array(IMAGE_PIXELS);
    for (let p = 0; p < IMAGE_PIXELS; p++) out[p] = data[p * units + u]!;
    return out;
  });
  return displayable({
    layer: layer.name,
    kind: "dense",
    height: IMAGE_SIZE,
    width: IMAGE_SIZE,
    filters,
  });
}

function displayable(view: FirstLayerFilters): FirstLayerFilters {
  return withJupyterDisplay(view, async () => ({
    "image/svg+xml": await renderFiltersSvg(view),
    "text/plain": `${view.layer}: ${view.filters.length} ${view.kind} filters of ` +
      `${view.height}×${view.width}`,
  }));
}

/**
 * Turns each filter into a gray tile, stretched from its own minimum (black) to its maximum
 * (white), as seed 001's `imshow` showed them.
 *
 * @param view The filters.
 * @returns One one-channel raster per filter.
 *
 * @example
 * ```ts
 * import { filterTiles } from "./first_layer_filters.ts";
 * const [tile] = filterTiles({ layer: "c", kind: "conv", height: 1, width: 2,
 *   filters: [new Float32Array([-1, 3])] });
 * if (tile!.data[0] !== 0 || tile!.data[1] !== 255) throw new Error();
 * ```
 */
export function filterTiles(view: FirstLayerFilters): Raster[] {
  return view.filters.map((weights) => {
    let min = Infinity, max = -Infinity;
    for (const w of weights) min = Math.min(min, w), max = Math.max(max, w);
    const range = max - min || 1;
    const data = Uint8Array.from(weights, (w) => Math.round(((w - min) / range) * 255));
    return { width: view.width, height: view.height, channels: 1 as const, data };
  });
}

/**
 * Draws the filters as a numbered grid, as SVG.
 *
 * @param view The filters.
 * @param layout Tiles per row and magnification (default: 3×3 kernels drawn 16× larger).
 * @returns An SVG document.
 */
export function renderFiltersSvg(
  view: FirstLayerFilters,
  layout: { columns?: number; scale?: number } = {},
): Promise<string> {
  const tiles = filterTiles(view).map((image, i) => ({
    image,
    captions: [{ text: `${i + 1}`, color: "#666", align: "center" as const }],
  }));
  const what = view.kind === "conv"
    ? `${view.filters.length} ${view.height}×${view.width} kernels`
    : `${view.filters.length} units' weights`;
  return digitGridSvg(tiles, {
    columns: layout.columns ?? 8,
    scale: layout.scale ?? Math.max(2, Math.round(48 / view.width)),
    title: `${view.layer}: ${what} (dark −, light +)`,
  });
}
