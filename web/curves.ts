/// <reference lib="dom" />
/**
 * The live loss and accuracy curves: one point per progress report (a few per epoch), drawn as
 * two small SVG line charts that are redrawn whole at each point (a few hundred points at
 * most, so redrawing costs nothing next to a training step).
 *
 * @module
 */

/** One progress report. */
export interface CurvePoint {
  /** Epochs done, fractional (1.5 = half-way through the second epoch). */
  epoch: number;
  loss: number;
  acc: number;
}

const W = 300;
const H = 150;
const PAD = { left: 42, right: 8, top: 18, bottom: 22 };

function chart(
  title: string,
  points: CurvePoint[],
  value: (p: CurvePoint) => number,
  color: string,
  epochs: number,
): string {
  const values = points.map(value).filter(Number.isFinite);
  const lo = title === "accuracy" ? Math.min(...values, 1) * 0.98 : 0;
  const hi = Math.max(...values, lo + 1e-6);
  const x = (e: number) => PAD.left + (e / epochs) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const line = points
    .filter((p) => Number.isFinite(value(p)))
    .map((p) => `${x(p.epoch).toFixed(1)},${y(value(p)).toFixed(1)}`)
    .join(" ");
  const last = values.at(-1);
  const label = last === undefined ? "" : `: ${last.toFixed(4)}`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" ` +
    `height="${H}" role="img" aria-label="${title}">` +
    `<text x="${PAD.left}" y="12" font-size="12">${title}${label}</text>` +
    `<rect x="${PAD.left}" y="${PAD.top}" width="${W - PAD.left - PAD.right}" ` +
    `height="${H - PAD.top - PAD.bottom}" fill="none" stroke="#bbb"/>` +
    `<text x="${PAD.left - 4}" y="${PAD.top + 8}" font-size="10" text-anchor="end">` +
    `${hi.toFixed(2)}</text>` +
    `<text x="${PAD.left - 4}" y="${H - PAD.bottom}" font-size="10" text-anchor="end">` +
    `${lo.toFixed(2)}</text>` +
    `<text x="${W - PAD.right}" y="${
      H - 6
    }" font-size="10" text-anchor="end">epoch ${epochs}</text>` +
    `<polyline points="${line}" fill="none" stroke="${color}" stroke-width="1.5"/></svg>`;
}

/**
 * Renders the two charts.
 *
 * @param points The reports so far.
 * @param epochs The run's epochs (the x axis' end).
 * @returns SVG markup (two `<svg>` elements).
 */
export function curvesSvg(points: CurvePoint[], epochs: number): string {
  return chart("loss", points, (p) => p.loss, "#d62728", epochs) +
    chart("accuracy", points, (p) => p.acc, "#1f4fd1", epochs);
}
