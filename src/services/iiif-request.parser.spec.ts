import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../domain/errors.ts";
import { resolveIiif, type IiifParams } from "./iiif-request.parser.ts";

const at = (region: string, size: string, extra: Partial<IiifParams> = {}) =>
  resolveIiif({ region, size, rotation: "0", qualityFormat: "default.jpg", ...extra }, 1000, 600, 800);

function refused(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidInputError);
    return (e as InvalidInputError).field as string;
  }
  throw new Error("not refused");
}

describe(resolveIiif.name, () => {
  it("should resolve regions: full, square (centred), pixels cut at the edge, percentages", () => {
    expect(at("full", "pct:50").region).toEqual({ left: 0, top: 0, width: 1000, height: 600 });
    expect(at("square", "max").region).toEqual({ left: 200, top: 0, width: 600, height: 600 });
    expect(at("900,500,300,300", "max").region).toEqual({ left: 900, top: 500, width: 100, height: 100 });
    expect(at("pct:10,50,50,50", "max").region).toEqual({ left: 100, top: 300, width: 500, height: 300 });
  });

  it("should resolve sizes keeping the aspect ratio unless both sides are given", () => {
    expect(at("full", "500,")).toMatchObject({ width: 500, height: 300 });
    expect(at("full", ",300")).toMatchObject({ width: 500, height: 300 });
    expect(at("full", "!400,400")).toMatchObject({ width: 400, height: 240 });
    expect(at("full", "300,300")).toMatchObject({ width: 300, height: 300 });
    expect(at("square", "pct:25")).toMatchObject({ width: 150, height: 150 });
    // max is the region, fitted inside the cap (800)
    expect(at("full", "max")).toMatchObject({ width: 800, height: 480 });
    expect(at("0,0,100,50", "max")).toMatchObject({ width: 100, height: 50 });
    expect(at("0,0,100,50", "^max")).toMatchObject({ width: 800, height: 400 });
    expect(at("0,0,100,50", "^200,")).toMatchObject({ width: 200, height: 100 });
  });

  it("should refuse malformed parameters, upscaling without ^, and sizes beyond the cap, naming the parameter", () => {
    expect(refused(() => at("1000,0,10,10", "max"))).toBe("region");
    expect(refused(() => at("0,0,0,10", "max"))).toBe("region");
    expect(refused(() => at("-1,0,10,10", "max"))).toBe("region");
    expect(refused(() => at("1e3,0,10,10", "max"))).toBe("region");
    expect(refused(() => at("pct:a,b,c,d", "max"))).toBe("region");
    expect(refused(() => at("everything", "max"))).toBe("region");
    expect(refused(() => at("full", "2000,"))).toBe("size");
    expect(refused(() => at("full", "^900,"))).toBe("size");
    expect(refused(() => at("full", "0,"))).toBe("size");
    expect(refused(() => at("full", "pct:0"))).toBe("size");
    expect(refused(() => at("full", "big"))).toBe("size");
    expect(refused(() => at("full", "99999999999,"))).toBe("size");
    expect(refused(() => at("full", "max", { rotation: "90" }))).toBe("rotation");
    expect(refused(() => at("full", "max", { qualityFormat: "bitonal.jpg" }))).toBe("quality");
    expect(refused(() => at("full", "max", { qualityFormat: "default.gif" }))).toBe("format");
    expect(refused(() => at("full", "max", { qualityFormat: "default" }))).toBe("quality");
  });
});
