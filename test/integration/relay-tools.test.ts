/**
 * The Relay compiler and GraphQL Code Generator accept the committed schema.graphql with the
 * documents of test/fixtures/relay: a @connection on every connection (catalogue, artists, an
 * artist's works, similar works, recommendations, search by image, provenance gaps), @appendEdge on
 * the created edges. Either tool rejecting the schema or a document fails the test.
 */
import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { generate } from "@graphql-codegen/cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SCHEMA = path.resolve("schema.graphql");
const FIXTURES = path.resolve("test/fixtures/relay");
const DOCUMENT = "GalleryPaging.ts";
/** The relay-compiler npm package resolves to its prebuilt binary for this platform (null when there is none). */
const RELAY_BINARY: string | null = createRequire(import.meta.url)("relay-compiler");

/** Runs the Relay compiler on `src` (a folder of documents) against the committed schema. */
function relayCompile(project: string): { status: number | null; output: string } {
  const r = spawnSync(RELAY_BINARY!, [], { cwd: project, encoding: "utf8", timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

async function relayProject(document: string): Promise<string> {
  const project = await mkdtemp(path.join(os.tmpdir(), "vitrine-relay-"));
  await mkdir(path.join(project, "src"));
  await writeFile(path.join(project, "src", DOCUMENT), document);
  await writeFile(path.join(project, "relay.config.json"), JSON.stringify({ src: "./src", schema: SCHEMA, language: "typescript" }));
  return project;
}

describe("Relay compiler and GraphQL Code Generator on schema.graphql", () => {
  const projects: string[] = [];
  let document = "";
  beforeAll(async () => {
    document = await readFile(path.join(FIXTURES, DOCUMENT), "utf8");
  });
  afterAll(async () => {
    for (const p of projects) await rm(p, { recursive: true, force: true });
  });

  it("should compile every connection's @connection fragment and the @appendEdge mutations with the Relay compiler", async () => {
    expect(RELAY_BINARY, "relay-compiler ships no binary for this platform").not.toBeNull();
    const project = await relayProject(document);
    projects.push(project);
    const { status, output } = relayCompile(project);
    expect(output).not.toMatch(/ERROR/);
    expect(status, output).toBe(0);
    const artifacts = await readdir(path.join(project, "src", "__generated__"));
    for (const name of ["GalleryPagingCatalogueQuery", "GalleryPagingArtistQuery", "GalleryPagingSimilarQuery", "GalleryPagingCreateArtworkMutation", "GalleryPaging_similar", "GalleryPaging_provenance"]) {
      expect(artifacts).toContain(`${name}.graphql.ts`);
    }
    // the connection handler is wired to the connection's key in the compiled fragment
    const similar = await readFile(path.join(project, "src", "__generated__", "GalleryPaging_similar.graphql.ts"), "utf8");
    expect(similar).toContain("GalleryPaging_similarArtworks");
    expect(similar).toMatch(/"kind": "Connection"|connection/);
  });

  it("should make the Relay compiler fail on a @connection over a field that is no connection (the check can fail)", async () => {
    const project = await relayProject(
      "const graphql = (t: TemplateStringsArray) => t.join('');\n" +
        "export const q = graphql`query GalleryPagingBrokenQuery($a: ID!, $b: ID!) { explainSimilarity(a: $a, b: $b) @connection(key: \"GalleryPaging_explainSimilarity\") { score } }`;\n",
    );
    projects.push(project);
    const { status, output } = relayCompile(project);
    expect(status).not.toBe(0);
    expect(output).toMatch(/connection/i);
  });

  it("should generate TypeScript types for the same documents with GraphQL Code Generator", async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), "vitrine-codegen-"));
    projects.push(out);
    await copyFile(path.join(FIXTURES, DOCUMENT), path.join(out, DOCUMENT));
    const target = path.join(out, "types.ts");
    await generate(
      {
        schema: [SCHEMA, path.join(FIXTURES, "relay-directives.graphql")],
        documents: [path.join(out, DOCUMENT)],
        generates: { [target]: { plugins: ["typescript", "typescript-operations"] } },
        silent: true,
        errorsOnly: true,
      },
      true,
    );
    const types = await readFile(target, "utf8");
    for (const name of ["GalleryPagingCatalogueQuery", "GalleryPagingSimilarQuery", "GalleryPagingCreateArtworkMutation", "GalleryPaging_SimilarFragment", "SimilarArtworkConnection"]) {
      expect(types).toContain(name);
    }
  });
});
