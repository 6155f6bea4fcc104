import { describe, expect, it } from "vitest";
import { imageBackoffMs, retryAfterMs } from "./image-ingest.service.ts";

describe("retryAfterMs", () => {
  const now = Date.parse("2026-12-01T08:00:00Z");
  it("should read seconds and HTTP dates, and nothing else", () => {
    expect(retryAfterMs("1", now)).toBe(1000);
    expect(retryAfterMs(" 120 ", now)).toBe(120_000);
    expect(retryAfterMs("Tue, 01 Dec 2026 08:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Tue, 01 Dec 2026 07:00:00 GMT", now)).toBe(0); // a date in the past: now
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs("-5", now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe("imageBackoffMs", () => {
  it("should double from the base with ±25% jitter, up to 10 minutes", () => {
    expect([1, 2, 3].map((a) => imageBackoffMs(a, 2000, () => 0.5))).toEqual([2000, 4000, 8000]);
    expect(imageBackoffMs(1, 2000, () => 0)).toBe(1500);
    expect(imageBackoffMs(1, 2000, () => 1)).toBe(2500);
    expect(imageBackoffMs(30, 2000, () => 0.5)).toBe(600_000);
  });
});
