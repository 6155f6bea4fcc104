/** Finds the dominant colours of an image, for the palette field and the palette group of the metadata vector. */
import type { PaletteColour } from "../domain/artwork.ts";

/** Extracts a work's palette from its image bytes. Deterministic: the same bytes give the same palette. */
export interface PaletteExtractor {
  /**
   * Up to a handful of dominant colours ("#rrggbb", lower case) with the share of pixels each covers;
   * the shares sum to 1, largest first. Rejects bytes that are not a decodable image.
   */
  extract(image: Uint8Array): Promise<PaletteColour[]>;
}
