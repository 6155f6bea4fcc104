/**
 * GraphiQL in a real browser (Debian's chromium driven by playwright-core): an analyst opening
 * /graphql gets the IDE from this server alone (no CDN), runs the welcome query and sees real works.
 * Skipped when chromium is not installed (`apt-get install -y chromium`; .ci/run installs it).
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (!CHROMIUM) console.warn("GraphiQL browser test skipped: install Debian's chromium (apt-get install -y chromium) to run it (.ci/run does).");

describe.skipIf(!CHROMIUM)("GraphiQL in a browser", () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp("embedded");
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
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
});
