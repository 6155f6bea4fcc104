import { describe, expect, it } from "vitest";
import type { ProvenanceEvent } from "../domain/artwork.ts";
import { coverageOf, provenanceGaps } from "./provenance-research.service.ts";

const entry = (owner: string, yearStart: number | null, yearEnd: number | null, method: string | null = null): Omit<ProvenanceEvent, "position"> => ({
  owner,
  place: null,
  dateText: null,
  yearStart,
  yearEnd,
  method,
  text: owner,
});
const history = (...entries: Omit<ProvenanceEvent, "position">[]): ProvenanceEvent[] => entries.map((e, position) => ({ ...e, position }));

describe("provenance coverage and gaps", () => {
  // CMOA "Cavaliers returning from a fantasia near Algiers": estate 1900-1935, J. Frederic Byers 1935 until 1949, by descent until 1955, gift 1955
  const byers = history(
    entry("Eugène Fromentin", null, null),
    entry("M. Lagarde", null, 1897),
    entry("M. Knoedler & Co", 1897, null),
    entry("Alexander MacBurney Byers", 1897, 1900, "purchase"),
    entry("Alexander M. Byers estate", 1900, 1935),
    entry("J. Frederic Byers", 1935, 1949),
    entry("Mrs. J. Frederic Byers", null, 1955, "by descent"),
    entry("Department of Fine Arts", 1955, null, "gift"),
  );
  // CMOA "Portrait of a Young Man": Edouard Jonas 1929; undated owners and a 1935 sale with no parsed year; Scaife until 1966; gift 1966
  const portrait = history(
    entry("Baron Leon Pitteurs Hugaerts D'Orange", null, 1902),
    entry("Galerie Fievez? sale", null, null),
    entry("Edouard Jonas", 1929, null),
    entry("Ira Haupt", null, null),
    entry("sold at Anderson Galleries", null, null, "auction"),
    entry("Mr. and Mrs. Richard M. Scaife", null, 1966),
    entry("Museum", 1966, null, "gift"),
  );

  it("should read each entry's documented years as the rules say", () => {
    expect(coverageOf(byers)).toEqual([
      null,
      { from: 1897, to: 1897 },
      { from: 1897, to: 1897 }, // until the next acquisition, 1897
      { from: 1897, to: 1900 },
      { from: 1900, to: 1935 },
      { from: 1935, to: 1949 },
      { from: 1955, to: 1955 }, // "until 1955": only 1955 is documented
      { from: 1955, to: Infinity }, // the current holder
    ]);
  });

  it("should find no gap in 1933-1945 when consecutive owners cover it", () => {
    expect(provenanceGaps(byers, 1933, 1945)).toEqual([]);
  });

  it("should report the gap 1950-1954 between the end of one holding and the next documented year", () => {
    const gaps = provenanceGaps(byers, 1933, 1960);
    expect(gaps.map((g) => [g.from, g.to, g.before?.owner, g.after?.owner])).toEqual([[1950, 1954, "J. Frederic Byers", "Mrs. J. Frederic Byers"]]);
  });

  it("should report the whole Nazi era undocumented, with Edouard Jonas (1929) before and the Scaifes (1966) after", () => {
    const gaps = provenanceGaps(portrait, 1933, 1945);
    expect(gaps.map((g) => [g.from, g.to, g.before?.owner, g.after?.owner])).toEqual([[1933, 1945, "Edouard Jonas", "Mr. and Mrs. Richard M. Scaife"]]);
  });

  it("should report a work without any entry as one gap with nothing on either side", () => {
    expect(provenanceGaps([], 1933, 1945)).toEqual([{ from: 1933, to: 1945, before: null, after: null }]);
  });

  it("should split a span around a documented holding inside it", () => {
    const h = history(entry("Dealer", 1936, 1938), entry("Museum", 1950, null, "purchase"));
    expect(provenanceGaps(h, 1933, 1945).map((g) => [g.from, g.to, g.before?.owner ?? null, g.after?.owner ?? null])).toEqual([
      [1933, 1935, null, "Dealer"],
      [1939, 1945, "Dealer", "Museum"],
    ]);
  });
});
