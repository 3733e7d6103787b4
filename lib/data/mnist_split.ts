/**
 * A split from its two verified IDX files (images and labels): dims, counts and label values
 * checked. Pure bytes in, bytes out, so the Deno loader and the browser's share it.
 *
 * @module
 */
import { DatasetError } from "../errors.ts";
import type { MnistFileSpec } from "./checksums.ts";
import { parseIdx } from "./idx.ts";
import { IMAGE_SIZE, type MnistSplit, NUM_CLASSES } from "./types.ts";

/** A raw (decompressed) file and the name its errors show. */
export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

/**
 * Parses an images file and its labels file into a split.
 *
 * @param imageFile The raw images file.
 * @param imageSpec What it should hold (its count; 28×28 always).
 * @param labelFile The raw labels file.
 * @param labelSpec What it should hold.
 * @returns The split.
 * @throws {DatasetError} When a file is not the IDX it should be, the counts differ, or a
 *   label is not a digit.
 */
export function toSplit(
  imageFile: NamedBytes,
  imageSpec: MnistFileSpec,
  labelFile: NamedBytes,
  labelSpec: MnistFileSpec,
): MnistSplit {
  const images = parseIdx(imageFile.bytes, {
    name: imageFile.name,
    expect: { rank: 3, dims: [imageSpec.dims[0] ?? null, IMAGE_SIZE, IMAGE_SIZE] },
  });
  const count = images.dims[0]!;
  const labels = parseIdx(labelFile.bytes, {
    name: labelFile.name,
    expect: { rank: 1, dims: [labelSpec.dims[0] ?? null] },
  });
  if (labels.dims[0] !== count) {
    throw new DatasetError(
      `${labelFile.name}: has ${labels.dims[0]} labels but ${imageFile.name} has ${count} images`,
    );
  }
  const bad = labels.data.findIndex((label) => label >= NUM_CLASSES);
  if (bad >= 0) {
    throw new DatasetError(
      `${labelFile.name}: label ${labels.data[bad]} at index ${bad} is not a digit 0–9`,
    );
  }
  return { images: images.data, labels: labels.data, count };
}
