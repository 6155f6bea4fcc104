// Entry of a projection thread (ThreadedProjector): worker threads do not inherit the TypeScript
// loader the main thread registered (bin/vitrine.js, vitest), so register it here first.
import { register } from "node:module";

register("@swc-node/register/esm", import.meta.url);
await import("./projection-thread.ts");
