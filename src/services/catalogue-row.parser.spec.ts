import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLInputObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { imageRequestKey, imageRequestHost, safeFileStem } from "../domain/image-request.ts";
import { parseCatalogueRow, ROW_FORMAT_KEYS, rowFormatFields } from "./catalogue-row.parser.ts";

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

describe("the row format's keys", () => {
  const schema = buildSchema(readFileSync("schema.graphql", "utf8"));
  const fieldsOf = (name: string) => Object.keys((schema.getType(name) as GraphQLInputObjectType).getFields()).sort();

  it("should be the fields of the API's import input types", () => {
    expect([...ROW_FORMAT_KEYS.row].sort()).toEqual(fieldsOf("ArtworkImportRowInput"));
    expect([...ROW_FORMAT_KEYS.artists].sort()).toEqual(fieldsOf("ArtworkImportArtistInput"));
    expect([...ROW_FORMAT_KEYS.provenance].sort()).toEqual(fieldsOf("ProvenanceEventInput"));
    expect([...ROW_FORMAT_KEYS.dimensionsInches].sort()).toEqual(fieldsOf("DimensionsInchesInput"));
  });

  it("should leave out every other key, at every level, and parse the same record", () => {
    const row = {
      sourceId: "x1",
      title: "Study",
      objectType: "extra",
      artists: [{ name: "A. Painter", ulanId: 5 }],
      provenance: [{ text: "Gift, 1990", lot: 7 }],
      dimensionsInches: { height: 10, unit: "in" },
    };
    expect(rowFormatFields(row)).toEqual({ sourceId: "x1", title: "Study", artists: [{ name: "A. Painter" }], provenance: [{ text: "Gift, 1990" }], dimensionsInches: { height: 10 } });
    expect(parseCatalogueRow(rowFormatFields(row))).toEqual(parseCatalogueRow(row));
  });
});
