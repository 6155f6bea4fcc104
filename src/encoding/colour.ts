/** Colour conversions shared by the palette encoder group and the palette extractor (sRGB, D65, CIE Lab). */

/** An sRGB colour with 8-bit channels. */
export type Rgb = readonly [number, number, number];
/** A CIE L*a*b* colour (D65). */
export type Lab = readonly [number, number, number];

/** Parses "#rrggbb", "rrggbb", "#rgb" or "rgb" (case-insensitive); null when it is none of these. */
export function parseHex(hex: string): Rgb | null {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return null;
  const s = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  return [parseInt(s.slice(0, 2), 16), parseInt(s.slice(2, 4), 16), parseInt(s.slice(4, 6), 16)];
}

/** "#rrggbb" (lower case) of an sRGB colour; channels are rounded and clamped to 0..255. */
export function rgbToHex(rgb: Rgb): string {
  return "#" + rgb.map((c) => Math.max(0, Math.min(255, Math.round(c))).toString(16).padStart(2, "0")).join("");
}

function linear(c: number): number {
  const x = c / 255;
  return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
}

function f(t: number): number {
  return t > 216 / 24389 ? Math.cbrt(t) : (t * 24389) / 27 / 116 + 16 / 116;
}

/** CIE L*a*b* (D65 white) of an 8-bit sRGB colour. */
export function rgbToLab(rgb: Rgb): Lab {
  const r = linear(rgb[0]);
  const g = linear(rgb[1]);
  const b = linear(rgb[2]);
  const x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
  const y = 0.2126729 * r + 0.7151522 * g + 0.072175 * b;
  const z = (0.0193339 * r + 0.119192 * g + 0.9503041 * b) / 1.08883;
  const fx = f(x);
  const fy = f(y);
  const fz = f(z);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}
