/**
 * The quality report as files: Markdown (tables and the map plot) and an SVG scatter of the
 * embedding map coloured by a key, written by `vitrine eval`.
 */
import type { ColouredPoint } from "./embedding-map.service.ts";
import type { QualityReport, QualityTarget } from "./embedding-quality.service.ts";

const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94"];
const UNKNOWN = "#bbbbbb";

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** An SVG scatter of map points (x, y in [0, 1]) coloured by key, with a legend (most frequent keys first). */
export function mapSvg(points: readonly ColouredPoint[], legend: readonly { key: string; count: number }[], title: string): string {
  const size = 800;
  const pad = 20;
  const legendWidth = 280;
  const colour = new Map(legend.map((l, i) => [l.key, l.key === "unknown" ? UNKNOWN : PALETTE[i % PALETTE.length]]));
  const dots = points
    .map((p) => `<circle cx="${(pad + p.x * (size - 2 * pad)).toFixed(1)}" cy="${(pad + 30 + (1 - p.y) * (size - 2 * pad)).toFixed(1)}" r="2.2" fill="${colour.get(p.colorKey) ?? UNKNOWN}"/>`)
    .join("");
  const keys = legend
    .map((l, i) => `<rect x="${size + 10}" y="${60 + i * 22}" width="12" height="12" fill="${colour.get(l.key)}"/><text x="${size + 30}" y="${71 + i * 22}">${escapeXml(l.key)} (${l.count})</text>`)
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size + legendWidth}" height="${size + 40}" viewBox="0 0 ${size + legendWidth} ${size + 40}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="#fff"/>
<text x="${pad}" y="24" font-size="16" font-weight="bold">${escapeXml(title)}</text>
<g fill-opacity="0.8">${dots}</g>
${keys}
</svg>
`;
}

function pct(x: number | null): string {
  return x === null ? "–" : `${(100 * x).toFixed(1)} %`;
}

const TARGET_NAMES: Record<QualityTarget, string> = { department: "department (k-NN accuracy)", mediumCategory: "medium category (k-NN accuracy)", century: "century (k-NN accuracy)", sameArtist: "same artist (precision@k)" };

/** The report as Markdown; `plot` is the file name of the map image beside it. */
export function qualityMarkdown(r: QualityReport, plot: string | null, command: string): string {
  const lines: string[] = [];
  lines.push(`# Embedding quality report`, ``);
  lines.push(`Embedding version \`${r.embeddingVersion}\`; ${r.works} works, ${r.queries} held out as queries (seed ${r.seed}, ${Math.round(r.holdout * 100)} %), ${r.references} references; k = ${r.k}; ${r.hasImages ? "works have images" : "no work has an image, so there is no image-only variant"}.`, ``);
  lines.push(`Made with \`${command}\`.`, ``);
  lines.push(`## Fair figures`, ``);
  lines.push(`A target whose own field is an input of the vector is measured on the blend without that group (medium category without the medium group, century without the time group, same artist without the artist group). Department is no input.`, ``);
  lines.push(`| target | variant | value | random baseline |`, `| --- | --- | --- | --- |`);
  for (const f of r.fair) lines.push(`| ${TARGET_NAMES[f.target]} | ${f.variant} | ${pct(f.value)} | ${pct(f.random)} |`);
  lines.push(``, `## Every variant`, ``);
  lines.push(`Figures marked * come from a variant that has the target's own field as an input (not a fair test of the target).`, ``);
  lines.push(`| variant | department | medium category | century | same artist P@${r.k} | raw-metadata agreement@${r.k} |`, `| --- | --- | --- | --- | --- | --- |`);
  for (const v of r.variants) {
    const mark = (t: QualityTarget, x: number | null) => `${pct(x)}${v.targetsFromInputs.includes(t) ? " *" : ""}`;
    lines.push(`| ${v.name} | ${mark("department", v.departmentAccuracy)} | ${mark("mediumCategory", v.mediumCategoryAccuracy)} | ${mark("century", v.centuryAccuracy)} | ${mark("sameArtist", v.sameArtistPrecision)} | ${pct(v.metadataAgreement)} |`);
  }
  lines.push(``, `Queries per target: department ${r.queriesPerTarget.department}, medium category ${r.queriesPerTarget.mediumCategory}, century ${r.queriesPerTarget.century}, same artist ${r.queriesPerTarget.sameArtist} (queries with another work of one of their artists among the references).`, ``);
  lines.push(`## How it is measured`, ``);
  lines.push(`- k-NN accuracy: a held-out work's label is predicted as the most frequent label among its ${r.k} nearest references (cosine of the vectors; ties go to the nearer); works without the label are left out.`);
  lines.push(`- Same artist P@${r.k}: share of the ${r.k} nearest references that share an artist with the query.`);
  lines.push(`- Raw-metadata agreement@${r.k}: share of the ${r.k} nearest references that are also among the query's ${r.k} nearest by raw catalogue fields alone (shared artist 2, same medium category 1, same department 1, exp(−|Δyear|/50)); ties at the border count.`);
  lines.push(`- Variants are the stored vectors with parts zeroed and renormalised (the blend with those weights set to 0); the random baseline uses seeded random unit vectors.`, ``);
  if (plot) lines.push(`## The map`, ``, `![Embedding map (PCA) coloured by department](${plot})`, ``);
  return lines.join("\n");
}
