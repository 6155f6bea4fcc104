/**
 * GraphiQL for browsers opening /graphql, served entirely from npm packages (graphiql, react,
 * react-dom): no CDN, so it works offline and behind strict firewalls.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { GraphiqlTab } from "./graphiql-examples.ts";

const require = createRequire(import.meta.url);

/** A file inside an installed package (UMD builds are not in the packages' export maps). */
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** Asset name → file in node_modules, served under /graphiql/. */
const ASSETS: Record<string, { file: string; type: string }> = {
  "react.js": { file: packageFile("react", "umd/react.production.min.js"), type: "text/javascript; charset=utf-8" },
  "react-dom.js": { file: packageFile("react-dom", "umd/react-dom.production.min.js"), type: "text/javascript; charset=utf-8" },
  "graphiql.js": { file: packageFile("graphiql", "graphiql.min.js"), type: "text/javascript; charset=utf-8" },
  "graphiql.css": { file: packageFile("graphiql", "graphiql.min.css"), type: "text/css; charset=utf-8" },
};

const cache = new Map<string, Buffer>();

export async function graphiqlAsset(name: string): Promise<{ body: Buffer; type: string } | null> {
  const asset = ASSETS[name];
  if (!asset) return null;
  let body = cache.get(name);
  if (!body) cache.set(name, (body = await readFile(asset.file)));
  return { body, type: asset.type };
}

/**
 * The HTML page; `endpoint` is where GraphiQL sends operations, `tabs` the saved examples it opens with
 * (graphiql-examples.ts). Tabs an analyst edits are kept in the browser, under a key that changes when
 * the examples' queries change, so a new set of examples replaces an old one instead of hiding behind it.
 */
export function graphiqlPage(endpoint: string, tabs: readonly GraphiqlTab[]): string {
  const version = createHash("sha256").update(tabs.map((t) => t.query).join("\u0000")).digest("hex").slice(0, 12);
  // "</" never closes the script element early: JSON may hold it inside strings
  const json = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vitrine · GraphiQL</title>
<link rel="stylesheet" href="/graphiql/graphiql.css">
<style>html,body,#graphiql{height:100%;margin:0}</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="/graphiql/react.js"></script>
<script src="/graphiql/react-dom.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script>
  const fetcher = GraphiQL.createFetcher({ url: ${json(endpoint)} });
  const prefix = ${json(`vitrine-${version}:`)};
  const storage = {
    getItem: (k) => localStorage.getItem(prefix + k),
    setItem: (k, v) => localStorage.setItem(prefix + k, v),
    removeItem: (k) => localStorage.removeItem(prefix + k),
    get length() { return Object.keys(localStorage).filter((k) => k.startsWith(prefix)).length; },
    clear: () => Object.keys(localStorage).filter((k) => k.startsWith(prefix)).forEach((k) => localStorage.removeItem(k)),
  };
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher, storage, defaultTabs: ${json(tabs)}, defaultEditorToolsVisibility: true, shouldPersistHeaders: true })
  );
</script>
</body>
</html>`;
}
