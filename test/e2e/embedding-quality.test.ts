/**
 * The quality report over HTTP (`embeddingQuality`, admin) on the demo catalogue, whose vectors are
 * metadata only (no image model in these apps): figures for the full blend, each group left out and
 * a random baseline, with the fair figure of each target.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const QUALITY = `query($seed: Int, $holdout: Float, $k: Int) {
  embeddingQuality(seed: $seed, holdout: $holdout, k: $k) {
    embeddingVersion seed holdout k works queries references hasImages
    queriesPerTarget { department mediumCategory century sameArtist }
    variants { name parts departmentAccuracy mediumCategoryAccuracy centuryAccuracy sameArtistPrecision metadataAgreement targetsFromInputs }
    fair { target variant value random }
  }
}`;

interface Variant {
  name: string;
  parts: string[];
  departmentAccuracy: number;
  mediumCategoryAccuracy: number;
  centuryAccuracy: number;
  sameArtistPrecision: number;
  metadataAgreement: number;
  targetsFromInputs: string[];
}

describe("the quality report (embedded store, demo catalogue)", () => {
  let t: TestApp;
  let report: any;
  const variant = (name: string): Variant => report.variants.find((v: Variant) => v.name === name);

  beforeAll(async () => {
    t = await startTestApp("embedded");
    await t.drain();
    const r = await t.admin(QUALITY, {});
    expect(r.errors).toBeUndefined();
    report = r.data.embeddingQuality;
  }, 180_000);
  afterAll(() => t?.stop());

  it("should hold out a fifth of the works and measure the full blend, each group left out and a random baseline", async () => {
    const works = await t.app.db.prisma.artwork.count();
    expect(report.works).toBe(works);
    expect(report.queries).toBe(Math.round(works * 0.2));
    expect(report.queries + report.references).toBe(works);
    expect(report.hasImages).toBe(false);
    expect(report.variants.map((v: Variant) => v.name)).toEqual(["full", "without artist", "without medium", "without time", "without provenance", "without size", "without palette", "random"]);
    for (const v of report.variants as Variant[]) {
      for (const x of [v.departmentAccuracy, v.mediumCategoryAccuracy, v.centuryAccuracy, v.sameArtistPrecision, v.metadataAgreement]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
    }
  });

  it("should mark a target measured with its own field as an input and give the fair figure without it", () => {
    expect([...variant("full").targetsFromInputs].sort()).toEqual(["CENTURY", "MEDIUM_CATEGORY", "SAME_ARTIST"]);
    expect(variant("without medium").targetsFromInputs).not.toContain("MEDIUM_CATEGORY");
    expect(variant("without medium").parts).not.toContain("medium");
    const fair = Object.fromEntries(report.fair.map((f: any) => [f.target, f]));
    expect(fair.MEDIUM_CATEGORY.variant).toBe("without medium");
    expect(fair.MEDIUM_CATEGORY.value).toBe(variant("without medium").mediumCategoryAccuracy);
    expect(fair.CENTURY.variant).toBe("without time");
    expect(fair.SAME_ARTIST.variant).toBe("without artist");
    expect(fair.DEPARTMENT.variant).toBe("full");
    expect(fair.DEPARTMENT.random).toBe(variant("random").departmentAccuracy);
  });

  it("should find the vectors far better than chance, and a target easier with its own group in the vector", () => {
    const full = variant("full");
    const random = variant("random");
    expect(full.departmentAccuracy).toBeGreaterThan(random.departmentAccuracy + 0.1);
    expect(full.metadataAgreement).toBeGreaterThan(random.metadataAgreement + 0.1);
    expect(full.sameArtistPrecision).toBeGreaterThan(random.sameArtistPrecision);
    // the medium group is what tells medium categories apart: leaving it out costs accuracy
    expect(full.mediumCategoryAccuracy).toBeGreaterThan(variant("without medium").mediumCategoryAccuracy);
    expect(full.centuryAccuracy).toBeGreaterThan(variant("without time").centuryAccuracy);
  });

  it("should give the same figures for the same seed and other ones for another seed", async () => {
    const again = await t.admin(QUALITY, {});
    expect(again.data.embeddingQuality).toEqual(report);
    const other = await t.admin(QUALITY, { seed: 7 });
    expect(other.data.embeddingQuality.variants[0]).not.toEqual(report.variants[0]);
  }, 120_000);

  it("should need an admin key and refuse a held-out share out of range", async () => {
    const anonymous = await t.gql(QUALITY, {});
    expect(["UNAUTHENTICATED", "FORBIDDEN"]).toContain(anonymous.errors?.[0].extensions?.code);
    const bad = await t.admin(QUALITY, { holdout: 0.9 });
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});
