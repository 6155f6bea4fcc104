/**
 * GraphiQL in a real browser (Debian's chromium driven by playwright-core): an analyst opening
 * /graphql gets the IDE from this server alone (no CDN), runs the welcome query and sees real works, and
 * finds one saved example tab per use (graphiql-examples.ts), ready to run.
 * Skipped when chromium is not installed (`apt-get install -y chromium`; .ci/run installs it).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphiqlExamples, PLACEHOLDER_IDS } from "../../src/http/graphiql-examples.ts";
import { chromiumAvailable, launchChromium } from "../support/chromium.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const CAN_RUN = chromiumAvailable("GraphiQL browser test");

describe.skipIf(!CAN_RUN)("GraphiQL in a browser", () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp("embedded");
    await t.drain();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it("should load GraphiQL from this server only, run the welcome query and show demo works", async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    const failures: string[] = [];
    page.on("request", (r) => requested.push(r.url()));
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(`${t.url}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(() => document.querySelector(".result-window")?.textContent?.includes("totalCount"), null, { timeout: 30_000 });
    const result = await page.textContent(".result-window");
    expect(result).toMatch(/"title":/);
    expect(result).not.toMatch(/"errors"/);
    expect(failures).toEqual([]);
    expect(requested.length).toBeGreaterThan(3);
    expect(requested.every((u) => u.startsWith(t.url) || u.startsWith("data:") || u.startsWith("blob:"))).toBe(true);
  });

  it("should open with a saved example tab per use, each ready to run with this catalogue's ids", async () => {
    const page = await browser.newPage();
    const failures: string[] = [];
    page.on("pageerror", (e) => failures.push(e.message));
    await page.goto(`${t.url}/graphql`);
    await page.waitForSelector(".graphiql-container", { timeout: 30_000 });
    const fields = (await t.gql(`{ __schema { queryType { fields { name } } } }`)).data.__schema.queryType.fields.map((f: { name: string }) => f.name);
    const expected = graphiqlExamples(PLACEHOLDER_IDS).filter((e) => fields.includes(e.requires)).map((e) => e.name);
    expect(expected).toEqual(expect.arrayContaining(["Browse", "Facets", "ProvenanceGap", "SimilarProvenance", "ProvenanceFilter", "SimilarWorks", "Recommendations", "SearchByImage", "DuplicateImages", "DuplicateRecords"]));
    const titles = (await page.locator(".graphiql-tab .graphiql-tab-button").allTextContents()).map((s) => s.trim());
    expect(titles).toEqual(expected);
    // a tab with an id in its variables runs as it opens
    await page.locator(".graphiql-tab-button", { hasText: "SimilarWorks" }).click();
    // GraphiQL reads the operation name from the editor 100 ms after a change; run once it has it
    await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.endsWith("graphiql:operationName") && localStorage.getItem(k) === "SimilarWorks"), null, { timeout: 30_000 });
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(() => document.querySelector(".result-window")?.textContent?.includes("similarArtworks"), null, { timeout: 30_000 });
    const result = await page.textContent(".result-window");
    expect(result).toMatch(/"breakdown":/);
    expect(result).not.toMatch(/"errors"/);
    expect(failures).toEqual([]);
  });
});
