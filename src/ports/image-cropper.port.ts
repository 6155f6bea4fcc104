/**
 * Cuts a rectangle out of an image, for search by a detail: the crop is then checked, decoded,
 * embedded and its palette extracted like any image.
 */
import type { PixelRect } from "../domain/image-region.ts";

export interface ImageCropper {
  /**
   * The pixels of `rect` of the image as displayed (its EXIF orientation applied first), as a
   * lossless image file (8-bit sRGB, alpha kept). `rect` lies inside the image (resolveRegion).
   * Throws InvalidInputError (field "image") when the image cannot be decoded, PayloadTooLargeError
   * when the cropped file would exceed the image byte limit.
   */
  crop(bytes: Uint8Array, rect: PixelRect): Promise<Uint8Array>;
}
