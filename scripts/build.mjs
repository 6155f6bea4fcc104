// `npm run build` (also run by postinstall and the Dockerfile): compiles src/ once into build/src/ with
// tsc (emit only, no type check: `npm run typecheck` does that), keeping decorators and their metadata
// (type-graphql needs emitDecoratorMetadata), and rewriting `./x.ts` imports to `./x.js`. bin/vitrine.js
// runs the compiled CLI while it is newer than every source (scripts/build-state.mjs), and the
// TypeScript sources through the loader otherwise, so an edit never runs stale code.
//
// build/ mirrors the repository (build/src/...), so paths the code computes from its own location
// (../data/demo, ../../../prisma/migrations, ../../../bench) find the real folders through symlinks.
// `--out DIR` builds elsewhere (the compiled-CLI test), leaving build/ alone.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { BUILD_DIR, BUILD_STAMP, ROOT } from "./build-state.mjs";

const { values } = parseArgs({ options: { quiet: { type: "boolean", default: false }, out: { type: "string" } } });
const quiet = values.quiet;
const out = values.out ? path.resolve(values.out) : BUILD_DIR;

if (!existsSync(path.join(ROOT, "src", "cli", "vitrine.ts"))) {
  // e.g. the Dockerfile's `npm ci`, which runs before the sources are copied in; it builds later
  if (!quiet) process.stderr.write("build: no sources yet (src/cli/vitrine.ts); nothing to compile\n");
  process.exit(0);
}
const t0 = performance.now();
rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
const run = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, "tsconfig.build.json"), "--outDir", out], { stdio: "inherit", cwd: ROOT });
if (run.status !== 0) {
  rmSync(out, { recursive: true, force: true }); // no half build: bin/vitrine.js keeps using the sources
  process.stderr.write("build: tsc failed; `vitrine` runs the TypeScript sources until a build succeeds\n");
  process.exit(run.status ?? 1);
}
// plain JavaScript the compiled modules load by URL: thread entries, the map page's script
cpSync(path.join(ROOT, "src"), path.join(out, "src"), {
  recursive: true,
  filter: (src) => !/\.(ts|tsx)$/.test(src) || src.endsWith(".d.ts"),
});
for (const dir of ["data", "prisma", "bench"]) symlinkSync(path.join(ROOT, dir), path.join(out, dir), "dir");
writeFileSync(path.join(out, path.relative(BUILD_DIR, BUILD_STAMP)), `${new Date().toISOString()}\n`);
if (!quiet) process.stderr.write(`build: compiled src/ into ${path.relative(ROOT, out) || out} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
