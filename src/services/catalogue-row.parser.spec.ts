import { describe, expect, it } from "vitest";
import { imageRequestKey, imageRequestHost, safeFileStem } from "../domain/image-request.ts";
import { parseCatalogueRow } from "./catalogue-row.parser.ts";

const base = { sourceId: "s1", title: "A work" };

describe("the image sources of a catalogue row", () => {
  it("should try the local file, then the IIIF service, then imageUrl and imageUrls, each once", () => {
    const record = parseCatalogueRow({
      ...base,
      imagePath: "scans/a.jpg",
      iiifService: "https://iiif.example.org/iiif/a/",
      imageUrl: "https://img.example.org/a.jpg",
      imageUrls: ["https://img.example.org/a.jpg", "https://img.example.org/b.jpg", "https://iiif.example.org/iiif/b/info.json"],
    });
    expect(record.image?.candidates).toEqual([
      { kind: "file", name: "scans/a.jpg", sha256: null, problem: null },
      { kind: "iiif", service: "https://iiif.example.org/iiif/a" },
      { kind: "url", url: "https://img.example.org/a.jpg" },
      { kind: "url", url: "https://img.example.org/b.jpg" },
      { kind: "iiif", service: "https://iiif.example.org/iiif/b" },
    ]);
    expect(imageRequestHost(record.image!)).toBe("local");
  });

  it("should name no image when the row has none, and the same request for the same row", () => {
    expect(parseCatalogueRow(base).image).toBeNull();
    const a = parseCatalogueRow({ ...base, imageUrl: "https://img.example.org:8443/a.jpg" }).image!;
    const b = parseCatalogueRow({ ...base, imageUrls: ["https://img.example.org:8443/a.jpg"] }).image!;
    expect(imageRequestKey(a)).toBe(imageRequestKey(b));
    expect(imageRequestHost(a)).toBe("img.example.org:8443");
  });

  it("should refuse an imagePath or iiifService that is not a string", () => {
    expect(() => parseCatalogueRow({ ...base, imagePath: 3 })).toThrow(/imagePath/);
    expect(() => parseCatalogueRow({ ...base, iiifService: ["x"] })).toThrow(/iiifService/);
  });
});

describe("safeFileStem", () => {
  it("should keep letters, digits, dot, dash and underscore, and turn the rest (and a leading dot) into _", () => {
    expect(safeFileStem("1999.42")).toBe("1999.42");
    expect(safeFileStem("local/1")).toBe("local_1");
    expect(safeFileStem("../etc/passwd")).toBe("_._etc_passwd");
    expect(safeFileStem("Zeichnung Nr. 5ä")).toBe("Zeichnung_Nr._5_");
  });
});
