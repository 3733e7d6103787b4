/// <reference lib="dom" />
/**
 * The draw-a-digit pad: a canvas drawn on with pointer events (mouse, pen, touch) in thick
 * white strokes on black, as MNIST's digits are, and a callback with the canvas after each
 * change, at most once per animation frame (so a fast stroke predicts ~60 times a second, not
 * once per pointer event). Each change bumps the canvas' `data-version`, so whoever shows a
 * prediction can say which drawing it was made from (the browser test waits for the last one).
 *
 * @module
 */

/** What the pad offers the page. */
export interface Pad {
  /** Wipes the drawing (and calls `onChange` with the empty pad). */
  clear(): void;
}

/** The stroke width as a fraction of the pad's width: MNIST's strokes are ~2-3 of 28 pixels. */
const STROKE = 0.08;

/**
 * Wires drawing on a canvas.
 *
 * @param canvas The pad.
 * @param onChange Called with the canvas after a change.
 * @returns The pad.
 */
export function createPad(
  canvas: HTMLCanvasElement,
  onChange: (c: HTMLCanvasElement) => void,
): Pad {
  const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
  let last: { x: number; y: number } | null = null;
  let queued = false;
  let version = 0;
  const changed = () => {
    canvas.dataset.version = String(++version);
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      onChange(canvas);
    });
  };
  const at = (e: PointerEvent) => {
    const box = canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - box.left) / box.width) * canvas.width,
      y: ((e.clientY - box.top) / box.height) * canvas.height,
    };
  };
  const stroke = (to: { x: number; y: number }) => {
    ctx.strokeStyle = ctx.fillStyle = "#fff";
    ctx.lineWidth = STROKE * canvas.width;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo((last ?? to).x, (last ?? to).y);
    ctx.lineTo(to.x + (last ? 0 : 0.01), to.y);
    ctx.stroke();
    last = to;
    changed();
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    last = null;
    stroke(at(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (last) stroke(at(e));
  });
  const end = () => (last = null);
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  const clear = () => {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    changed();
  };
  clear();
  return { clear };
}
