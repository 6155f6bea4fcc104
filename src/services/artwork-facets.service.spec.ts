import { describe, expect, it } from "vitest";
import { periodOf } from "./artwork-facets.service.ts";

describe("periodOf", () => {
  it("should read decades from 1400 and centuries before, BCE included", () => {
    expect(periodOf("1850", 3)).toEqual({ from: 1850, to: 1859, label: "1850s", count: 3 });
    expect(periodOf("1400", 1)).toEqual({ from: 1400, to: 1409, label: "1400s", count: 1 });
    expect(periodOf("1300", 2)).toEqual({ from: 1300, to: 1399, label: "1300–1399", count: 2 });
    expect(periodOf("-500", 1)).toEqual({ from: -500, to: -401, label: "500–401 BCE", count: 1 });
    expect(periodOf("-100", 1).label).toBe("100–1 BCE");
    expect(periodOf("0", 1).label).toBe("0–99");
    expect(periodOf(null, 4)).toEqual({ from: null, to: null, label: null, count: 4 });
  });
});
