#!/usr/bin/env node
// Entry point of the `vitrine` command: registers the TypeScript loader (keeps decorator metadata), then runs the CLI.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

register("@swc-node/register/esm", pathToFileURL(import.meta.filename));
const { main } = await import("../src/cli/vitrine.ts");
await main(process.argv);
