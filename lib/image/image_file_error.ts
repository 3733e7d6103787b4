/**
 * The error for an image file a user handed us that cannot be used as a digit.
 *
 * @module
 */
import { UsageError } from "../errors.ts";

/**
 * An image file is unreadable, not a PNG or JPEG, or holds no digit (no ink). It extends
 * {@linkcode UsageError} because the file is user input: the CLI prints the one-line
 * message and exits 2.
 *
 * @example
 * ```ts
 * import { ImageFileError } from "./image_file_error.ts";
 * const error = new ImageFileError("digit.png: not a PNG or JPEG image");
 * if (error.name !== "ImageFileError") throw new Error();
 * ```
 */
export class ImageFileError extends UsageError {
  /** Creates the error; `message` names the file and what is wrong. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ImageFileError";
  }
}
