/**
 * Draws Vega and Vega-Lite specifications to SVG headless: the `none` renderer needs no DOM
 * or canvas, and no data is loaded from URLs (every spec here carries inline values), so this
 * needs no permissions.
 *
 * @module
 */
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/** Font and style shared by every chart, so the report looks like one document. */
export const CHART_CONFIG = {
  font: "sans-serif",
  background: "white",
  view: { stroke: "#ddd" },
  title: { fontSize: 14, anchor: "start" as const },
};

/** Renders a Vega specification to an SVG document. */
export async function vegaToSvg(spec: vega.Spec): Promise<string> {
  const view = new vega.View(vega.parse(spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Compiles a Vega-Lite specification and renders it to an SVG document. */
export function vegaLiteToSvg(spec: TopLevelSpec): Promise<string> {
  const config = { ...CHART_CONFIG, ...(spec.config ?? {}) };
  return vegaToSvg(compile({ ...spec, config } as TopLevelSpec).spec);
}

export type { TopLevelSpec };
