/**
 * The embedding map page at /map: an HTML shell and one plain browser script (src/http/map/map-app.js)
 * that draws the embeddingMap query on a canvas, served by vitrine itself (no CDN, works offline).
 */
import { readFile } from "node:fs/promises";

const SCRIPT = new URL("./map/map-app.js", import.meta.url);
let script: Buffer | null = null;

/** A file of the map page by its path under /map/, or null. */
export async function mapAsset(name: string): Promise<{ body: Buffer; type: string } | null> {
  if (name !== "map-app.js") return null;
  script ??= await readFile(SCRIPT);
  return { body: script, type: "text/javascript; charset=utf-8" };
}

/** The HTML of /map. */
export function mapPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>vitrine · embedding map</title>
<style>
  html, body { height: 100%; margin: 0; font: 14px system-ui, sans-serif; color: #222; }
  body { display: grid; grid-template-columns: 1fr 320px; grid-template-rows: auto 1fr; }
  header { grid-column: 1 / 3; display: flex; gap: 16px; align-items: center; padding: 8px 12px; border-bottom: 1px solid #ddd; }
  header h1 { font-size: 16px; margin: 0; }
  #status { color: #555; }
  #map { width: 100%; height: 100%; display: block; cursor: crosshair; }
  aside { border-left: 1px solid #ddd; padding: 8px 12px; overflow: auto; }
  aside h2 { font-size: 14px; }
  #legend { list-style: none; padding: 0; margin: 0 0 12px; }
  .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
  #tooltip { position: fixed; pointer-events: none; background: #fff; border: 1px solid #999; padding: 4px 8px; max-width: 320px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
  .artist { color: #555; }
</style>
</head>
<body>
<header>
  <h1>Embedding map</h1>
  <label>Colour by <select id="colorBy"><option value="DEPARTMENT">department</option><option value="MEDIUM_CATEGORY">medium category</option><option value="CENTURY">century</option></select></label>
  <label>Method <select id="method"><option value="PCA">PCA</option><option value="UMAP">UMAP (≤ 5,000 works)</option></select></label>
  <span id="status">Loading…</span>
</header>
<canvas id="map" aria-label="Works placed by their vectors; similar works are near each other"></canvas>
<aside>
  <ul id="legend"></ul>
  <div id="similar"><p>Hover over a point for its title and artist; click it for its similar works. Drag to pan, scroll to zoom.</p></div>
</aside>
<div id="tooltip" hidden></div>
<script type="module" src="/map/map-app.js"></script>
</body>
</html>`;
}
