/**
 * Builds data/demo/catalogue.jsonl: about 1,000 works from the CMOA sample (../shared/data), every medium
 * category in proportion, favouring works with provenance and spreading over artists. Deterministic.
 * Run: node --import @swc-node/register/esm-register scripts/make-demo-subset.ts [IN] [OUT]
 */
import { readFileSync, writeFileSync } from "node:fs";

const [inPath = "../shared/data/cmoa-catalogue.jsonl", outPath = "data/demo/catalogue.jsonl"] = process.argv.slice(2);
const TARGET = 1000;
const rows = readFileSync(inPath, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
const byCategory = new Map<string, Record<string, any>[]>();
for (const r of rows) byCategory.set(r.mediumCategory, [...(byCategory.get(r.mediumCategory) ?? []), r]);

const score = (r: Record<string, any>) =>
  Math.min((r.provenance ?? []).length, 4) + (r.yearStart != null ? 1 : 0) + (r.dimensionsInches?.height ? 1 : 0) + (r.artists?.[0]?.birthYear ? 1 : 0);

const picked: Record<string, any>[] = [];
for (const [, list] of [...byCategory.entries()].sort(([a], [b]) => a.localeCompare(b))) {
  const quota = Math.round((list.length / rows.length) * TARGET);
  // round-robin over first artists, best-scored work of each artist first
  const byArtist = new Map<string, Record<string, any>[]>();
  for (const r of [...list].sort((a, b) => score(b) - score(a) || String(a.sourceId).localeCompare(b.sourceId))) {
    const k = r.artists?.[0]?.name ?? "";
    byArtist.set(k, [...(byArtist.get(k) ?? []), r]);
  }
  const queues = [...byArtist.values()];
  for (let round = 0; picked.length < TARGET && queues.some((q) => q.length > round); round++) {
    for (const q of queues) {
      if (q[round] && picked.filter((p) => p.mediumCategory === q[round].mediumCategory).length < quota) picked.push(q[round]);
    }
  }
}
picked.sort((a, b) => String(a.sourceId).localeCompare(b.sourceId));
writeFileSync(outPath, picked.map((r) => JSON.stringify(r)).join("\n") + "\n");
console.log(`${picked.length} rows → ${outPath}`);
