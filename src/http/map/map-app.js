// The embedding map page (/map): a canvas scatter of the live generation's vectors, drawn from the
// API's embeddingMap query. One ImageData write per frame (smooth at 100,000 points), a uniform grid
// for hover, title and artist on hover, a work's similar works on click. Plain browser JavaScript
// served by vitrine itself: nothing comes from a CDN.

const PALETTE = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189], [140, 86, 75], [227, 119, 194], [127, 127, 127],
  [188, 189, 34], [23, 190, 207], [174, 199, 232], [255, 187, 120], [152, 223, 138], [255, 152, 150], [197, 176, 213], [196, 156, 148],
  [247, 182, 210], [199, 199, 199], [219, 219, 141], [158, 218, 229],
];
const UNKNOWN = [190, 190, 190];
const GRID = 128;
const HOVER_PX = 8;

const $ = (id) => document.getElementById(id);
const canvas = $("map");
const ctx = canvas.getContext("2d");
const tooltip = $("tooltip");
const params = new URLSearchParams(location.search);
const state = {
  method: params.get("method") || "PCA",
  colorBy: params.get("colorBy") || "DEPARTMENT",
  limit: Number(params.get("limit") || 100000),
  ids: [], xs: new Float32Array(0), ys: new Float32Array(0), colour: new Uint8Array(0),
  grid: [], view: { scale: 1, ox: 0, oy: 0 }, hover: -1, selected: -1, similar: new Set(), dirty: true,
};
const titles = new Map();

async function gql(query, variables) {
  const res = await fetch("/graphql", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join("; "));
  return body.data;
}

const MAP_QUERY = `query Map($method: MapMethod!, $limit: Int!, $colorBy: MapColorBy!) {
  embeddingMap(method: $method, limit: $limit, colorBy: $colorBy) {
    embeddingVersion totalCount
    points { artworkId x y colorKey }
    legend { key count }
  }
}`;

async function load() {
  $("status").textContent = "Computing the map…";
  let data;
  try {
    data = (await gql(MAP_QUERY, { method: state.method, limit: state.limit, colorBy: state.colorBy })).embeddingMap;
  } catch (e) {
    $("status").textContent = `The map could not be loaded: ${e.message}`;
    return;
  }
  const n = data.points.length;
  const keyIndex = new Map(data.legend.map((l, i) => [l.key, i]));
  state.ids = new Array(n);
  state.xs = new Float32Array(n);
  state.ys = new Float32Array(n);
  state.colour = new Uint8Array(n * 3);
  data.points.forEach((p, i) => {
    state.ids[i] = p.artworkId;
    state.xs[i] = p.x;
    state.ys[i] = 1 - p.y;
    const k = keyIndex.get(p.colorKey);
    const c = p.colorKey === "unknown" ? UNKNOWN : PALETTE[k % PALETTE.length];
    state.colour.set(c, i * 3);
  });
  state.grid = Array.from({ length: GRID * GRID }, () => []);
  for (let i = 0; i < n; i++) state.grid[cell(state.xs[i]) * GRID + cell(state.ys[i])].push(i);
  const legend = $("legend");
  legend.replaceChildren(
    ...data.legend.map((l, i) => {
      const li = document.createElement("li");
      const c = l.key === "unknown" ? UNKNOWN : PALETTE[i % PALETTE.length];
      li.innerHTML = `<span class="swatch" style="background:rgb(${c.join(",")})"></span>`;
      li.append(`${l.key} (${l.count.toLocaleString("en")})`);
      return li;
    }),
  );
  state.selected = -1;
  state.similar = new Set();
  $("status").textContent = `${n.toLocaleString("en")} of ${data.totalCount.toLocaleString("en")} works drawn · ${state.method} · ${data.embeddingVersion}`;
  $("status").dataset.points = String(n);
  fit();
}

function cell(v) {
  return Math.min(GRID - 1, Math.max(0, Math.floor(v * GRID)));
}

function fit() {
  const r = canvas.getBoundingClientRect();
  canvas.width = Math.max(1, Math.floor(r.width));
  canvas.height = Math.max(1, Math.floor(r.height));
  const size = Math.min(canvas.width, canvas.height) * 0.94;
  state.view = { scale: size, ox: (canvas.width - size) / 2, oy: (canvas.height - size) / 2 };
  state.dirty = true;
}

function toScreen(i) {
  const v = state.view;
  return [v.ox + state.xs[i] * v.scale, v.oy + state.ys[i] * v.scale];
}

function draw() {
  state.dirty = false;
  const w = canvas.width;
  const h = canvas.height;
  const img = ctx.createImageData(w, h);
  const px = img.data;
  px.fill(255);
  const v = state.view;
  const dot = state.view.scale > 2000 ? 3 : 2;
  const n = state.ids.length;
  for (let i = 0; i < n; i++) {
    const sx = Math.round(v.ox + state.xs[i] * v.scale);
    const sy = Math.round(v.oy + state.ys[i] * v.scale);
    if (sx < 0 || sy < 0 || sx >= w - dot || sy >= h - dot) continue;
    const r = state.colour[i * 3], g = state.colour[i * 3 + 1], b = state.colour[i * 3 + 2];
    for (let dy = 0; dy < dot; dy++) {
      let o = ((sy + dy) * w + sx) * 4;
      for (let dx = 0; dx < dot; dx++, o += 4) {
        px[o] = r;
        px[o + 1] = g;
        px[o + 2] = b;
      }
    }
  }
  ctx.putImageData(img, 0, 0);
  const ring = (i, colour, radius) => {
    const [x, y] = toScreen(i);
    ctx.beginPath();
    ctx.arc(x + 1, y + 1, radius, 0, Math.PI * 2);
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.stroke();
  };
  for (const i of state.similar) ring(i, "#111", 5);
  if (state.selected >= 0) ring(state.selected, "#d00", 8);
  if (state.hover >= 0) ring(state.hover, "#000", 6);
}

function frame() {
  if (state.dirty) draw();
  requestAnimationFrame(frame);
}

/** The point nearest the mouse within HOVER_PX, or -1 (only the grid cells around the mouse are searched). */
function pick(mx, my) {
  const v = state.view;
  const dx = (mx - v.ox) / v.scale;
  const dy = (my - v.oy) / v.scale;
  const reach = Math.ceil((HOVER_PX / v.scale) * GRID) + 1;
  const cx = cell(dx), cy = cell(dy);
  let best = -1, bestD = HOVER_PX * HOVER_PX;
  for (let gx = Math.max(0, cx - reach); gx <= Math.min(GRID - 1, cx + reach); gx++) {
    for (let gy = Math.max(0, cy - reach); gy <= Math.min(GRID - 1, cy + reach); gy++) {
      for (const i of state.grid[gx * GRID + gy]) {
        const [sx, sy] = toScreen(i);
        const d = (sx + 1 - mx) ** 2 + (sy + 1 - my) ** 2;
        if (d <= bestD) (bestD = d), (best = i);
      }
    }
  }
  return best;
}

async function describe(id) {
  if (!titles.has(id)) {
    titles.set(id, gql(`query($id: ID!) { artwork(id: $id) { title dateText artists { name } } }`, { id }).then((d) => d.artwork));
  }
  return titles.get(id);
}

function credit(work) {
  const names = (work?.artists ?? []).map((a) => a.name).join(", ");
  return names || "unknown artist";
}

let drag = null;
canvas.addEventListener("mousemove", async (e) => {
  const r = canvas.getBoundingClientRect();
  const mx = e.clientX - r.left, my = e.clientY - r.top;
  if (drag) {
    state.view.ox = drag.ox + (e.clientX - drag.x);
    state.view.oy = drag.oy + (e.clientY - drag.y);
    drag.moved = true;
    state.dirty = true;
    return;
  }
  const i = pick(mx, my);
  if (i !== state.hover) (state.hover = i), (state.dirty = true);
  if (i < 0) {
    tooltip.hidden = true;
    return;
  }
  tooltip.hidden = false;
  tooltip.style.left = `${e.clientX + 14}px`;
  tooltip.style.top = `${e.clientY + 14}px`;
  tooltip.textContent = "…";
  const work = await describe(state.ids[i]);
  if (state.hover === i) {
    tooltip.replaceChildren();
    const t = document.createElement("strong");
    t.className = "title";
    t.textContent = work?.title ?? "(deleted)";
    const a = document.createElement("div");
    a.className = "artist";
    a.textContent = `${credit(work)}${work?.dateText ? ` · ${work.dateText}` : ""}`;
    tooltip.append(t, a);
  }
});
canvas.addEventListener("mouseleave", () => {
  tooltip.hidden = true;
  state.hover = -1;
  state.dirty = true;
});
canvas.addEventListener("mousedown", (e) => (drag = { x: e.clientX, y: e.clientY, ox: state.view.ox, oy: state.view.oy, moved: false }));
window.addEventListener("mouseup", () => setTimeout(() => (drag = null)));
canvas.addEventListener("wheel", (e) => {
  e.preventDefault();
  const r = canvas.getBoundingClientRect();
  const mx = e.clientX - r.left, my = e.clientY - r.top;
  const f = Math.exp(-e.deltaY * 0.0015);
  const v = state.view;
  v.ox = mx - (mx - v.ox) * f;
  v.oy = my - (my - v.oy) * f;
  v.scale *= f;
  state.dirty = true;
}, { passive: false });

canvas.addEventListener("click", async (e) => {
  if (drag?.moved) return;
  const r = canvas.getBoundingClientRect();
  const i = pick(e.clientX - r.left, e.clientY - r.top);
  if (i < 0) return;
  state.selected = i;
  state.dirty = true;
  const panel = $("similar");
  panel.replaceChildren(Object.assign(document.createElement("p"), { textContent: "Finding similar works…" }));
  try {
    const [work, data] = await Promise.all([
      describe(state.ids[i]),
      gql(`query($id: ID!) { similarArtworks(id: $id, first: 10) { edges { score node { id title dateText artists { name } } } } }`, { id: state.ids[i] }),
    ]);
    const head = document.createElement("h2");
    head.textContent = `Similar to “${work?.title ?? "?"}” (${credit(work)})`;
    const list = document.createElement("ol");
    const index = new Map(state.ids.map((id, k) => [id, k]));
    state.similar = new Set();
    for (const edge of data.similarArtworks.edges) {
      const li = document.createElement("li");
      li.className = "similar-work";
      li.textContent = `${edge.node.title} — ${credit(edge.node)} (${edge.score.toFixed(3)})`;
      list.append(li);
      const k = index.get(edge.node.id);
      if (k !== undefined) state.similar.add(k);
    }
    panel.replaceChildren(head, list);
    state.dirty = true;
  } catch (err) {
    panel.replaceChildren(Object.assign(document.createElement("p"), { textContent: `Similar works could not be loaded: ${err.message}` }));
  }
});

for (const [id, key] of [["colorBy", "colorBy"], ["method", "method"]]) {
  $(id).value = state[key];
  $(id).addEventListener("change", () => {
    state[key] = $(id).value;
    if (key === "method" && state.method === "UMAP") state.limit = Math.min(state.limit, 5000);
    const q = new URLSearchParams({ method: state.method, colorBy: state.colorBy, limit: String(state.limit) });
    history.replaceState(null, "", `?${q}`);
    load();
  });
}
window.addEventListener("resize", fit);

/** For tests and the console: how many points are drawn and where one of them is on screen. */
window.vitrineMap = {
  get points() { return state.ids.length; },
  screenPosition(i) {
    const r = canvas.getBoundingClientRect();
    const [x, y] = toScreen(i);
    return { x: r.left + x + 1, y: r.top + y + 1 };
  },
};

requestAnimationFrame(frame);
load();
