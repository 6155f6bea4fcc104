import { describe, expect, it } from "vitest";
import { iiifRenditionUrl } from "./iiif.ts";

const S = "https://iiif.example.org/iiif/2/abc";

describe("iiifRenditionUrl", () => {
  it("should ask for the longer side at 448 pixels when there is no info.json", () => {
    expect(iiifRenditionUrl(`${S}/`, null, 448)).toBe(`${S}/full/!448,448/0/default.jpg`);
  });

  it("should keep within the server's maxWidth, maxHeight and maxArea", () => {
    expect(iiifRenditionUrl(S, { width: 4000, height: 3000, maxWidth: 300 }, 448)).toBe(`${S}/full/!300,300/0/default.jpg`);
    expect(iiifRenditionUrl(S, { width: 4000, height: 3000, maxArea: 100 * 100 }, 448)).toBe(`${S}/full/!100,100/0/default.jpg`);
  });

  it("should not upscale an image smaller than the rendition (v2 says full, v3 says max)", () => {
    expect(iiifRenditionUrl(S, { width: 300, height: 200 }, 448)).toBe(`${S}/full/full/0/default.jpg`);
    expect(iiifRenditionUrl(S, { "@context": "http://iiif.io/api/image/3/context.json", width: 300, height: 200 }, 448)).toBe(`${S}/full/max/0/default.jpg`);
  });

  it("should pick a level 0 server's smallest listed size that is large enough, else its largest", () => {
    const sizes = [{ width: 250, height: 200 }, { width: 1000, height: 800 }, { width: 500, height: 400 }];
    expect(iiifRenditionUrl(S, { profile: ["http://iiif.io/api/image/2/level0.json"], sizes }, 448)).toBe(`${S}/full/500,/0/default.jpg`);
    expect(iiifRenditionUrl(S, { type: "ImageService3", profile: "level0", sizes: sizes.slice(0, 1) }, 448)).toBe(`${S}/full/250,200/0/default.jpg`);
  });
});
