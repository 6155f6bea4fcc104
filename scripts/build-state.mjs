// Whether the compiled CLI in build/ (scripts/build.mjs) may run instead of the TypeScript sources:
// it must exist and be newer than every file under src/ and than the files that shape the output.
// Plain JavaScript: bin/vitrine.js reads it before any TypeScript loader is registered.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUILD_DIR = path.join(ROOT, "build");
/** Written last by a build that succeeded; its time is the build's. */
export const BUILD_STAMP = path.join(BUILD_DIR, ".built");
/** The compiled CLI's module. */
export const COMPILED_CLI = path.join(BUILD_DIR, "src", "cli", "vitrine.js");
const INPUTS = ["tsconfig.json", "tsconfig.build.json", "package-lock.json", "scripts/build.mjs"];

/** The newest modification time (ms) of the sources and build inputs. */
function newestSource() {
  let newest = 0;
  for (const entry of readdirSync(path.join(ROOT, "src"), { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(path.join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  for (const f of INPUTS) newest = Math.max(newest, statSync(path.join(ROOT, f), { throwIfNoEntry: false })?.mtimeMs ?? 0);
  return newest;
}

/** True when build/ holds a complete build newer than every source: the compiled CLI may run. */
export function buildIsFresh() {
  const built = statSync(BUILD_STAMP, { throwIfNoEntry: false })?.mtimeMs;
  return built !== undefined && built >= newestSource();
}
