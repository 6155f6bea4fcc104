/**
 * GraphiQL for browsers opening /graphql, served entirely from npm packages (graphiql, react,
 * react-dom): no CDN, so it works offline and behind strict firewalls.
 */
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import path from "node:path";

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

const DEFAULT_QUERY = `# Welcome to vitrine. Press ▶ to run; Ctrl-Space completes field names.
# Mutations need an admin key: add {"Authorization": "Bearer <key>"} under Headers.
query FirstWorks {
  artworks(first: 5, filter: { mediumCategories: [PAINTING] }) {
    totalCount
    edges {
      node {
        id
        title
        dateText
        medium
        artists { name role }
        provenance { owner dateText method }
      }
    }
  }
}
`;

/** The HTML page; `endpoint` is where GraphiQL sends operations. */
export function graphiqlPage(endpoint: string): string {
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
  const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
  ReactDOM.createRoot(document.getElementById("graphiql")).render(
    React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(DEFAULT_QUERY)}, defaultEditorToolsVisibility: true, shouldPersistHeaders: true })
  );
</script>
</body>
</html>`;
}
