/**
 * The parameters of an IIIF Image API 3.0 request (`{region}/{size}/{rotation}/{quality}.{format}`)
 * resolved against an image's size into what to render. Supported: region `full`, `square`,
 * `x,y,w,h`, `pct:x,y,w,h`; size `max`, `w,`, `,h`, `pct:n`, `w,h`, `!w,h`, each also with `^`
 * (upscaling); rotation `0`; quality `default`, `color`, `gray`; format `jpg`, `png`, `webp`. A
 * parameter that is malformed, outside the image or beyond the output cap is an InvalidInputError
 * naming the parameter (the HTTP route answers 400).
 */
import { InvalidInputError } from "../domain/errors.ts";
import type { RenderFormat, RenderQuality, RenderRequest } from "../ports/image-renderer.port.ts";

/** The four path segments of an image request, as sent. */
export interface IiifParams {
  readonly region: string;
  readonly size: string;
  readonly rotation: string;
  /** `{quality}.{format}`, e.g. "default.jpg". */
  readonly qualityFormat: string;
}

/** Output formats the image route serves (`.jpg` is the default). */
export const IIIF_FORMATS: readonly RenderFormat[] = ["jpg", "png", "webp"];
/** Qualities the image route serves (`default` is colour). */
export const IIIF_QUALITIES: readonly RenderQuality[] = ["default", "color", "gray"];

const INT = /^\d{1,9}$/;
const NUMBER = /^(\d{1,9}(\.\d{1,6})?|\.\d{1,6})$/;

function ints(text: string, name: string, what: string): number[] {
  const parts = text.split(",");
  if (parts.length !== 4 || !parts.every((p) => INT.test(p))) throw new InvalidInputError(name, `${what}: expected four whole numbers x,y,w,h.`);
  return parts.map(Number);
}

function region(text: string, width: number, height: number): RenderRequest["region"] {
  if (text === "full") return { left: 0, top: 0, width, height };
  if (text === "square") {
    const side = Math.min(width, height);
    return { left: Math.floor((width - side) / 2), top: Math.floor((height - side) / 2), width: side, height: side };
  }
  let x: number, y: number, w: number, h: number;
  if (text.startsWith("pct:")) {
    const parts = text.slice(4).split(",");
    if (parts.length !== 4 || !parts.every((p) => NUMBER.test(p))) throw new InvalidInputError("region", `Region "${text}": expected pct:x,y,w,h with percentages.`);
    const [px, py, pw, ph] = parts.map(Number);
    x = Math.round((px / 100) * width);
    y = Math.round((py / 100) * height);
    w = Math.round((pw / 100) * width);
    h = Math.round((ph / 100) * height);
  } else {
    [x, y, w, h] = ints(text, "region", `Region "${text}"`);
  }
  if (w <= 0 || h <= 0) throw new InvalidInputError("region", `Region "${text}" has no area.`);
  if (x >= width || y >= height) throw new InvalidInputError("region", `Region "${text}" starts outside the ${width}×${height} image.`);
  // a region reaching past the edge is cut at the edge (IIIF: "the service should return the part that is inside")
  return { left: x, top: y, width: Math.min(w, width - x), height: Math.min(h, height - y) };
}

function size(text: string, rw: number, rh: number, maxDimension: number): { width: number; height: number } {
  const upscale = text.startsWith("^");
  const spec = upscale ? text.slice(1) : text;
  let w: number, h: number;
  const fit = (bw: number, bh: number) => {
    const scale = Math.min(bw / rw, bh / rh);
    return { w: Math.max(1, Math.round(rw * scale)), h: Math.max(1, Math.round(rh * scale)) };
  };
  let m: RegExpExecArray | null;
  if (spec === "max") {
    // the region's size (or, with ^, as large as allowed), within the cap
    ({ w, h } = upscale ? fit(maxDimension, maxDimension) : rw <= maxDimension && rh <= maxDimension ? { w: rw, h: rh } : fit(maxDimension, maxDimension));
    return { width: w, height: h };
  } else if ((m = /^(\d{1,9}),$/.exec(spec))) {
    w = Number(m[1]);
    h = Math.max(1, Math.round((rh * w) / rw));
  } else if ((m = /^,(\d{1,9})$/.exec(spec))) {
    h = Number(m[1]);
    w = Math.max(1, Math.round((rw * h) / rh));
  } else if ((m = /^pct:(\d{1,9}(?:\.\d{1,6})?)$/.exec(spec))) {
    const n = Number(m[1]);
    if (!(n > 0)) throw new InvalidInputError("size", `Size "${text}" is 0%.`);
    w = Math.max(1, Math.round((rw * n) / 100));
    h = Math.max(1, Math.round((rh * n) / 100));
  } else if ((m = /^(!?)(\d{1,9}),(\d{1,9})$/.exec(spec))) {
    if (m[1]) ({ w, h } = fit(Number(m[2]), Number(m[3])));
    else [w, h] = [Number(m[2]), Number(m[3])];
  } else {
    throw new InvalidInputError("size", `Size "${text}" is not one of max, w, ,h, pct:n, w,h or !w,h (each optionally with ^).`);
  }
  if (w <= 0 || h <= 0) throw new InvalidInputError("size", `Size "${text}" has no area.`);
  if (!upscale && (w > rw || h > rh)) {
    throw new InvalidInputError("size", `Size "${text}" is larger than the region (${rw}×${rh}); prefix it with ^ to scale up.`);
  }
  if (w > maxDimension || h > maxDimension) {
    throw new InvalidInputError("size", `Size "${text}" gives ${w}×${h} pixels; the limit is ${maxDimension} on each side.`);
  }
  return { width: w, height: h };
}

/** What to render for `params` on an image of width × height, with sides capped at `maxDimension`. */
export function resolveIiif(params: IiifParams, width: number, height: number, maxDimension: number): RenderRequest {
  if (params.rotation !== "0") throw new InvalidInputError("rotation", `Rotation "${params.rotation}" is not supported; only 0.`);
  const dot = params.qualityFormat.lastIndexOf(".");
  const quality = params.qualityFormat.slice(0, dot) as RenderQuality;
  const format = params.qualityFormat.slice(dot + 1) as RenderFormat;
  if (dot < 0 || !IIIF_QUALITIES.includes(quality)) throw new InvalidInputError("quality", `Quality "${params.qualityFormat}" is not one of ${IIIF_QUALITIES.join(", ")} (e.g. default.jpg).`);
  if (!IIIF_FORMATS.includes(format)) throw new InvalidInputError("format", `Format "${format}" is not one of ${IIIF_FORMATS.join(", ")}.`);
  const r = region(params.region, width, height);
  const s = size(params.size, r.width, r.height, maxDimension);
  return { region: r, width: s.width, height: s.height, quality, format };
}
