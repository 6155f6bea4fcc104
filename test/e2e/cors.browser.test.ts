/**
 * CORS as a gallery frontend meets it: a page served from another origin (a second local HTTP server
 * on another port) calls the API with fetch in headless Chromium and shows the works; the same page
 * from an origin that is not allowed is refused by the browser. Skipped without Debian's chromium.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumAvailable, launchChromium } from "../support/chromium.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const CAN_RUN = chromiumAvailable("CORS browser test");

/** A gallery page whose script asks the API for three works and lists their titles (or the failure). */
function galleryPage(api: string): string {
  return `<!doctype html><html><body><ul id="works"></ul><p id="status">loading</p>
<script>
fetch(${JSON.stringify(`${api}/graphql`)}, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ query: "{ artworks(first: 3) { edges { node { title } } } }" }),
})
  .then((r) => r.json())
  .then((body) => {
    for (const e of body.data.artworks.edges) {
      const li = document.createElement("li");
      li.textContent = e.node.title;
      document.getElementById("works").append(li);
    }
    document.getElementById("status").textContent = "done";
  })
  .catch((e) => { document.getElementById("status").textContent = "failed: " + e.message; });
</script></body></html>`;
}

describe.skipIf(!CAN_RUN)("CORS for pages on other origins", () => {
  let t: TestApp;
  let browser: Browser;
  let pages: http.Server;
  let pagePort = 0;
  beforeAll(async () => {
    let api = "";
    pages = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(galleryPage(api)));
    await new Promise<void>((resolve) => pages.listen(0, "127.0.0.1", resolve));
    pagePort = (pages.address() as AddressInfo).port;
    // only the page server reached as 127.0.0.1 is allowed; as localhost it is another origin
    t = await startTestApp("embedded", { env: { VITRINE_CORS_ORIGINS: `http://127.0.0.1:${pagePort}`, VITRINE_CORS_MAX_AGE: "900" } });
    api = t.url;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await new Promise((resolve) => pages?.close(resolve));
  });

  it("should let a page on an allowed origin fetch works and show them", async () => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${pagePort}/`);
    await page.waitForFunction(() => document.getElementById("status")?.textContent !== "loading", null, { timeout: 30_000 });
    expect(await page.textContent("#status")).toBe("done");
    expect(await page.locator("#works li").count()).toBe(3);
    expect((await page.locator("#works li").first().textContent())?.length).toBeGreaterThan(0);
    await page.close();
  });

  it("should leave a page on another origin without an answer (the browser refuses it)", async () => {
    const page = await browser.newPage();
    await page.goto(`http://localhost:${pagePort}/`);
    await page.waitForFunction(() => document.getElementById("status")?.textContent !== "loading", null, { timeout: 30_000 });
    expect(await page.textContent("#status")).toMatch(/^failed/);
    expect(await page.locator("#works li").count()).toBe(0);
    await page.close();
  });

  it("should answer a preflight with the origin, no credentials and a cache time", async () => {
    const origin = `http://127.0.0.1:${pagePort}`;
    const preflight = (from: string) =>
      fetch(`${t.url}/graphql`, { method: "OPTIONS", headers: { origin: from, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
    const ok = await preflight(origin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get("access-control-allow-origin")).toBe(origin);
    expect(ok.headers.get("access-control-allow-headers")).toMatch(/content-type/i);
    expect(ok.headers.get("access-control-max-age")).toBe("900");
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    expect(ok.headers.get("vary")).toMatch(/origin/i);
    const refused = await preflight("https://evil.example");
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("should keep refusing simple cross-site requests (CSRF prevention) even from an allowed origin", async () => {
    const r = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { origin: `http://127.0.0.1:${pagePort}`, "content-type": "text/plain" },
      body: JSON.stringify({ query: "{ artworks(first: 1) { totalCount } }" }),
    });
    expect(r.status).toBe(400);
    expect(await r.text()).toMatch(/preflight/i);
  });
});
