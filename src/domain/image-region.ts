/**
 * A region of an image to search with ("works with a detail like this one"), as IIIF's Image API
 * writes regions: pixels `x,y,w,h` or percentages `pct:x,y,w,h` of the full image, measured on the
 * image as displayed (after its EXIF orientation). As in IIIF, a region reaching past the image's
 * right or bottom edge is cut at the edge; one starting outside the image, or empty, is refused.
 */
import { InvalidInputError } from "./errors.ts";

/** Units of a region: pixels, or percent of the image's width (x, width) and height (y, height). */
export const REGION_UNITS = ["PIXELS", "PERCENT"] as const;
export type RegionUnit = (typeof REGION_UNITS)[number];

/** A region as a client gives it. */
export interface ImageRegionValue {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Default PIXELS. */
  readonly unit?: RegionUnit | null;
}

/** Whole pixels of the displayed image: the rectangle to crop, inside the image and never empty. */
export interface PixelRect {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The pixel rectangle of `region` in an image of `imageWidth` × `imageHeight` (as displayed).
 * Percentages become pixels by rounding each edge (x·W/100 and (x + w)·W/100) to the nearest pixel,
 * so regions that tile the image in percent tile it in pixels too. Throws InvalidInputError at
 * `field`.x / .y / .width / .height: a value that is not a finite number, a negative offset, a
 * fractional pixel, an empty size (or one under a pixel after rounding), an offset outside the image.
 */
export function resolveRegion(region: ImageRegionValue, imageWidth: number, imageHeight: number, field: string): PixelRect {
  const unit = region.unit ?? "PIXELS";
  const percent = unit === "PERCENT";
  for (const key of ["x", "y", "width", "height"] as const) {
    const v = region[key];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InvalidInputError(`${field}.${key}`, `The region's \`${key}\` must be a number; got ${String(v)}.`);
    if (!percent && !Number.isInteger(v)) {
      throw new InvalidInputError(`${field}.${key}`, `The region's \`${key}\` is ${v}: pixel regions take whole pixels (use unit PERCENT for fractions of the image).`);
    }
  }
  for (const key of ["x", "y"] as const) {
    if (region[key] < 0) throw new InvalidInputError(`${field}.${key}`, `The region's \`${key}\` must be 0 or more; got ${region[key]}.`);
  }
  for (const key of ["width", "height"] as const) {
    if (region[key] <= 0) throw new InvalidInputError(`${field}.${key}`, `The region is empty: its \`${key}\` must be more than 0; got ${region[key]}.`);
  }
  const what = percent ? "%" : " px";
  const axis = (start: number, size: number, full: number, key: "x" | "y", sizeKey: "width" | "height"): [number, number] => {
    const lo = percent ? Math.round((start * full) / 100) : start;
    const hi = Math.min(full, percent ? Math.round(((start + size) * full) / 100) : start + size);
    if (lo >= full) {
      const side = key === "x" ? `${full} pixels wide` : `${full} pixels high`;
      throw new InvalidInputError(`${field}.${key}`, `The region starts outside the image: \`${key}\` is ${start}${what}, and the image (as displayed) is ${side}.`);
    }
    if (hi <= lo) {
      throw new InvalidInputError(`${field}.${sizeKey}`, `The region is less than a pixel ${sizeKey === "width" ? "wide" : "high"} (${size}% of ${full} pixels); make it larger.`);
    }
    return [lo, hi - lo];
  };
  const [left, width] = axis(region.x, region.width, imageWidth, "x", "width");
  const [top, height] = axis(region.y, region.height, imageHeight, "y", "height");
  return { left, top, width, height };
}
