// Entry of a projection thread (ThreadedProjector): worker threads do not inherit the TypeScript
// loader the main thread registered (bin/vitrine.js, vitest), so register it here first
// (unless this runs from the compiled build).
import { existsSync } from "node:fs";
import { register } from "node:module";

// in build/ (scripts/build.mjs) the compiled module sits beside this file and needs no loader
const compiled = new URL("./projection-thread.js", import.meta.url);
if (existsSync(compiled)) await import(compiled.href);
else {
  register("@swc-node/register/esm", import.meta.url);
  await import("./projection-thread.ts");
}
