import { describe, expect, it } from "vitest";
import { DomainError } from "./errors.ts";
import { resolveRegion, type ImageRegionValue } from "./image-region.ts";

function refusal(region: ImageRegionValue, w = 400, h = 300): DomainError {
  try {
    resolveRegion(region, w, h, "image.region");
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error("expected a refusal");
}

describe(resolveRegion.name, () => {
  it("should take pixels as they are, PIXELS being the default unit", () => {
    expect(resolveRegion({ x: 10, y: 20, width: 100, height: 50 }, 400, 300, "r")).toEqual({ left: 10, top: 20, width: 100, height: 50 });
    expect(resolveRegion({ x: 0, y: 0, width: 400, height: 300, unit: "PIXELS" }, 400, 300, "r")).toEqual({ left: 0, top: 0, width: 400, height: 300 });
  });

  it("should turn IIIF percentages into pixels by rounding each edge, so percent tiles stay tiles", () => {
    expect(resolveRegion({ x: 25, y: 50, width: 50, height: 50, unit: "PERCENT" }, 400, 300, "r")).toEqual({ left: 100, top: 150, width: 200, height: 150 });
    // thirds of 100 px: 0–33, 33–67, 67–100, no gap and no overlap
    const thirds = [0, 1, 2].map((i) => resolveRegion({ x: (100 / 3) * i, y: 0, width: 100 / 3, height: 100, unit: "PERCENT" }, 100, 10, "r"));
    expect(thirds.map((r) => [r.left, r.width])).toEqual([[0, 33], [33, 34], [67, 33]]);
    expect(resolveRegion({ x: 12.5, y: 0, width: 0.25, height: 100, unit: "PERCENT" }, 400, 10, "r")).toEqual({ left: 50, top: 0, width: 1, height: 10 });
  });

  it("should cut a region that reaches past the right or bottom edge at the edge (as IIIF does)", () => {
    expect(resolveRegion({ x: 300, y: 250, width: 500, height: 500 }, 400, 300, "r")).toEqual({ left: 300, top: 250, width: 100, height: 50 });
    expect(resolveRegion({ x: 90, y: 0, width: 50, height: 150, unit: "PERCENT" }, 400, 300, "r")).toEqual({ left: 360, top: 0, width: 40, height: 300 });
  });

  it("should refuse a region outside the image, naming the offending input", () => {
    const e = refusal({ x: 400, y: 0, width: 10, height: 10 });
    expect(e.code).toBe("BAD_USER_INPUT");
    expect(e.field).toBe("image.region.x");
    expect(e.message).toMatch(/starts outside the image.*400 pixels wide/);
    expect(refusal({ x: 0, y: 300, width: 10, height: 10 }).field).toBe("image.region.y");
    expect(refusal({ x: 0, y: 100, width: 10, height: 10, unit: "PERCENT" }).field).toBe("image.region.y");
    expect(refusal({ x: -1, y: 0, width: 10, height: 10 }).field).toBe("image.region.x");
  });

  it("should refuse an empty region, fractional pixels and non-numbers", () => {
    expect(refusal({ x: 0, y: 0, width: 0, height: 10 }).field).toBe("image.region.width");
    expect(refusal({ x: 0, y: 0, width: 10, height: -5 }).field).toBe("image.region.height");
    const tiny = refusal({ x: 10, y: 0, width: 0.1, height: 10, unit: "PERCENT" }, 400, 300);
    expect(tiny.field).toBe("image.region.width");
    expect(tiny.message).toMatch(/less than a pixel wide/);
    const half = refusal({ x: 1.5, y: 0, width: 10, height: 10 });
    expect(half.field).toBe("image.region.x");
    expect(half.message).toMatch(/whole pixels.*PERCENT/);
    expect(refusal({ x: 0, y: 0, width: Number.NaN, height: 10 }).field).toBe("image.region.width");
  });
});
