import { describe, expect, it } from "vitest";
import { parseCsvMapping, rowOfCsvRecord } from "./catalogue-csv.reader.ts";

describe("rowOfCsvRecord", () => {
  it("maps columns to nested fields, reads years and sizes as numbers, and leaves empty cells out", () => {
    const mapping = parseCsvMapping({ ID: "sourceId", Name: "title", A1: "artists[0].name", A1born: "artists[0].birthYear", A2: "artists[1].name", W: "dimensionsInches.width", Urls: "imageUrls" });
    expect(rowOfCsvRecord({ ID: "x", Name: "Sea", A1: "", A1born: "", A2: "Ben", W: "12.5", Urls: "a | b", Other: "ignored" }, mapping)).toEqual({
      sourceId: "x",
      title: "Sea",
      artists: [{ name: "Ben" }],
      dimensionsInches: { width: 12.5 },
      imageUrls: ["a", "b"],
    });
  });

  it("uses the headers as fields without a mapping, and refuses a mapping to no field", () => {
    expect(rowOfCsvRecord({ sourceId: "y", "artists[0].name": "Ann", yearStart: "1900", "Not a field": "z" }, null)).toEqual({ sourceId: "y", artists: [{ name: "Ann" }], yearStart: 1900 });
    expect(() => parseCsvMapping({ Title: "title; drop" })).toThrow(/row field/);
    expect(() => parseCsvMapping(["title"])).toThrow(/JSON object/);
  });
});
