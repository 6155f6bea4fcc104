#!/usr/bin/env node
// Entry point of the `vitrine` command. Runs the compiled CLI in build/ (`npm run build`, done at install)
// while it is newer than every source; otherwise registers the TypeScript loader (keeps decorator
// metadata) and runs the sources, so an edited file is never run stale.
import { register } from "node:module";
import { pathToFileURL } from "node:url";
import { buildIsFresh, COMPILED_CLI } from "../scripts/build-state.mjs";

let entry = pathToFileURL(COMPILED_CLI).href;
if (!buildIsFresh()) {
  register("@swc-node/register/esm", pathToFileURL(import.meta.filename));
  entry = "../src/cli/vitrine.ts";
}
const { main } = await import(entry);
await main(process.argv);
