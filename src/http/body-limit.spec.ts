import { describe, expect, it } from "vitest";
import { bytesBesideImages } from "./body-limit.ts";

describe(bytesBesideImages.name, () => {
  const json = (value: unknown) => Buffer.from(JSON.stringify(value));

  it("should count a body without long base64 runs whole", () => {
    const body = json({ query: "{ a }", variables: { t: Array.from({ length: 1000 }, () => "abc") } });
    expect(bytesBesideImages(body, 100)).toBe(body.length);
  });

  it("should leave out an image's base64, with or without a data: prefix or JSON-escaped slashes", () => {
    const image = Buffer.alloc(3000, 7).toString("base64");
    for (const base64 of [image, `data:image/png;base64,${image}`, image.replaceAll("/", "\\/")]) {
      const body = json({ query: "query($i: ImageInput!) { searchByImage(image: $i) { embeddingVersion } }", variables: { i: { base64 } } });
      expect(bytesBesideImages(body, 1000)).toBeLessThan(200);
    }
  });

  it("should count runs shorter than the minimum (many small values are not an image)", () => {
    const body = json(Array.from({ length: 500 }, () => "A".repeat(50)));
    expect(bytesBesideImages(body, 100)).toBe(body.length);
  });
});
