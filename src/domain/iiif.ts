/**
 * IIIF Image API (2 and 3): the URL of a small rendition of a service's image, within what its
 * `info.json` allows (size limits, the fixed sizes of a level 0 server). Pure: the caller fetches.
 */

/** The parts of a IIIF `info.json` that decide which rendition may be requested. */
export interface IiifInfo {
  readonly "@context"?: unknown;
  readonly type?: unknown;
  readonly profile?: unknown;
  readonly width?: unknown;
  readonly height?: unknown;
  readonly maxWidth?: unknown;
  readonly maxHeight?: unknown;
  readonly maxArea?: unknown;
  readonly sizes?: unknown;
}

const positive = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.floor(v) : null);

function isVersion3(info: IiifInfo): boolean {
  const contexts = Array.isArray(info["@context"]) ? info["@context"] : [info["@context"]];
  return info.type === "ImageService3" || contexts.some((c) => typeof c === "string" && c.includes("iiif.io/api/image/3"));
}

function isLevel0(info: IiifInfo): boolean {
  const profiles = Array.isArray(info.profile) ? info.profile : [info.profile];
  return profiles.some((p) => typeof p === "string" && /level0/.test(p));
}

/**
 * The rendition to request so that the image's longer side is at most `size` pixels: without an
 * info.json, `{service}/full/!size,size/0/default.jpg`; with one, its maxWidth/maxHeight/maxArea are
 * respected, a level 0 server gets the smallest of its listed sizes that is at least `size` (else its
 * largest), and an image smaller than `size` is asked for at full size (never upscaled).
 */
export function iiifRenditionUrl(service: string, info: IiifInfo | null, size: number): string {
  const base = service.replace(/\/+$/, "");
  if (!info) return `${base}/full/!${size},${size}/0/default.jpg`;
  const v3 = isVersion3(info);
  const full = v3 ? "max" : "full";
  const width = positive(info.width);
  const height = positive(info.height);
  if (isLevel0(info)) {
    const sizes = (Array.isArray(info.sizes) ? info.sizes : [])
      .map((s: { width?: unknown; height?: unknown }) => ({ w: positive(s?.width), h: positive(s?.height) }))
      .filter((s): s is { w: number; h: number } => s.w !== null && s.h !== null)
      .sort((a, b) => Math.max(a.w, a.h) - Math.max(b.w, b.h));
    const pick = sizes.find((s) => Math.max(s.w, s.h) >= size) ?? sizes[sizes.length - 1];
    return pick ? `${base}/full/${pick.w},${v3 ? pick.h : ""}/0/default.jpg` : `${base}/full/${full}/0/default.jpg`;
  }
  if (width !== null && height !== null && Math.max(width, height) <= size) return `${base}/full/${full}/0/default.jpg`;
  const maxWidth = positive(info.maxWidth);
  const maxHeight = positive(info.maxHeight) ?? maxWidth;
  let w = Math.min(size, maxWidth ?? size);
  let h = Math.min(size, maxHeight ?? size);
  const maxArea = positive(info.maxArea);
  if (maxArea !== null && w * h > maxArea) {
    const scale = Math.sqrt(maxArea / (w * h));
    w = Math.max(1, Math.floor(w * scale));
    h = Math.max(1, Math.floor(h * scale));
  }
  return `${base}/full/!${w},${h}/0/default.jpg`;
}
