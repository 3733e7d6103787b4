/**
 * Turns a user's picture of a digit into an MNIST-like 28×28 sample, following how MNIST was
 * made: white ink on black, the ink's bounding box scaled to fit 20×20 keeping its aspect
 * ratio, then placed so its centre of mass sits at the centre of the 28×28 field.
 *
 * @module
 */
import { decodeImage } from "./decode_image.ts";
import { ImageFileError } from "./image_file_error.ts";
import type { Raster } from "./raster.ts";
import { toGrayscale } from "./raster.ts";
import { resampleArea } from "./_resample.ts";

const SIZE = 28;
const BOX = 20;
/** Ink below this fraction of the strongest ink is background noise (paper grain, JPEG). */
const INK_THRESHOLD = 0.2;
/** Less contrast than this (0–255) between ink and background means there is no digit. */
const MIN_CONTRAST = 40;

/** An MNIST-like sample made from a user's image. */
export interface PreprocessedDigit {
  /** 28×28 pixels, row-major, 0 = background, 255 = ink (as `MnistSplit.images`). */
  pixels: Uint8Array;
  /** The same pixels scaled to 0–1, ready for a `[1, 28, 28, 1]` tensor. */
  floats: Float32Array;
  /** True when the input was dark ink on a light background and was inverted. */
  inverted: boolean;
  /** The ink's bounding box in the source image. */
  inkBox: { x: number; y: number; width: number; height: number };
  /** Size of the source image. */
  source: { width: number; height: number };
}

/**
 * Decodes a PNG or JPEG file and preprocesses it with {@linkcode preprocessDigit}.
 *
 * @param bytes The file's content.
 * @param name The file's name, used in error messages.
 * @returns The 28×28 sample and what was done to get it.
 * @throws {ImageFileError} when the file is not a readable PNG/JPEG or holds no ink.
 *
 * @example
 * ```ts
 * import { preprocessDigitImage } from "./preprocess_digit.ts";
 * import { encodePng } from "./png.ts";
 * const data = new Uint8Array(40 * 40).fill(255);
 * for (let y = 8; y < 32; y++) for (let x = 18; x < 22; x++) data[y * 40 + x] = 0;
 * const digit = preprocessDigitImage(encodePng({ width: 40, height: 40, channels: 1, data }));
 * if (!digit.inverted || digit.pixels.length !== 784) throw new Error("unexpected result");
 * ```
 */
export function preprocessDigitImage(bytes: Uint8Array, name = "image"): PreprocessedDigit {
  return preprocessDigit(decodeImage(bytes, name), name);
}

/**
 * Preprocesses a decoded image: grayscale, invert dark-on-light (decided by the border's
 * brightness), stretch contrast from the background level, crop to the ink, scale to fit
 * 20×20, centre by mass in 28×28.
 *
 * @param raster Any decoded image.
 * @param name Used in error messages.
 * @returns The 28×28 sample.
 * @throws {ImageFileError} when the image has no ink (blank or too little contrast).
 */
export function preprocessDigit(raster: Raster, name = "image"): PreprocessedDigit {
  const gray = toGrayscale(raster, transparentBackground(raster));
  const { width, height, data } = gray;
  const border = borderMean(gray);
  const inverted = border > 127;
  const ink = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) ink[i] = inverted ? 255 - data[i]! : data[i]!;
  const background = inverted ? 255 - border : border;
  let peak = 0;
  for (const v of ink) peak = Math.max(peak, v);
  if (peak - background < MIN_CONTRAST) {
    throw new ImageFileError(`${name}: no digit found (the image is blank or has no contrast)`);
  }
  for (let i = 0; i < ink.length; i++) {
    const v = (ink[i]! - background) / (peak - background);
    ink[i] = v < INK_THRESHOLD ? 0 : Math.min(1, v);
  }
  const box = inkBounds(ink, width, height);
  const crop = new Float32Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) {
    const row = (box.y + y) * width + box.x;
    crop.set(ink.subarray(row, row + box.width), y * box.width);
  }
  const scale = BOX / Math.max(box.width, box.height);
  const w = Math.max(1, Math.round(box.width * scale));
  const h = Math.max(1, Math.round(box.height * scale));
  const small = resampleArea(crop, box.width, box.height, w, h);
  const floats = centreByMass(small, w, h);
  const pixels = Uint8Array.from(floats, (v) => Math.round(v * 255));
  return { pixels, floats, inverted, inkBox: box, source: { width, height } };
}

/** Lays transparent pixels over the opposite of the opaque pixels' mean colour. */
function transparentBackground(raster: Raster): number {
  if (raster.channels !== 2 && raster.channels !== 4) return 255;
  const opaque = toGrayscale({ ...raster }, 0);
  let sum = 0, weight = 0;
  for (let i = 0, p = 0; i < opaque.data.length; i++, p += raster.channels) {
    const alpha = raster.data[p + raster.channels - 1]!;
    sum += opaque.data[i]!;
    weight += alpha;
  }
  return weight > 0 && (sum * 255) / weight > 127 ? 0 : 255;
}

/** Mean brightness of the outer ring (5 % of the size, at least 1 px). */
function borderMean({ width, height, data }: Raster): number {
  const ring = Math.max(1, Math.round(Math.min(width, height) * 0.05));
  let sum = 0, count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x >= ring && x < width - ring && y >= ring && y < height - ring) continue;
      sum += data[y * width + x]!;
      count++;
    }
  }
  return sum / count;
}

function inkBounds(ink: Float32Array, width: number, height: number) {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]! === 0) continue;
      x0 = Math.min(x0, x), x1 = Math.max(x1, x), y0 = Math.min(y0, y), y1 = Math.max(y1, y);
    }
  }
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/** Places a small image in 28×28 so its centre of mass lands on the centre (clamped inside). */
function centreByMass(small: Float32Array, w: number, h: number): Float32Array {
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = small[y * w + x]!;
      mass += v, mx += v * (x + 0.5), my += v * (y + 0.5);
    }
  }
  const clamp = (v: number, max: number) => Math.min(max, Math.max(0, v));
  const left = clamp(Math.round(SIZE / 2 - mx / mass), SIZE - w);
  const top = clamp(Math.round(SIZE / 2 - my / mass), SIZE - h);
  const out = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < h; y++) out.set(small.subarray(y * w, (y + 1) * w), (top + y) * SIZE + left);
  return out;
}
