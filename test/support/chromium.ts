/**
 * Debian's chromium for the browser tests, driven by playwright-core (no browser download): its
 * path, or undefined with a warning naming the test that is skipped. `.ci/run` installs it.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Path of Debian's chromium binary, when installed. */
export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

/** Warns that `what` is skipped when chromium is missing; true when it can run. */
export function chromiumAvailable(what: string): boolean {
  if (!CHROMIUM) console.warn(`${what} skipped: install Debian's chromium (apt-get install -y chromium) to run it (.ci/run does).`);
  return CHROMIUM !== undefined;
}

/** A headless chromium (no sandbox: tests run as root in a container). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
}
