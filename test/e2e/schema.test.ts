/** schema.graphql is generated from the code: it must match, and every part of it must be described. */
import { readFile } from "node:fs/promises";
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, isScalarType, isUnionType, type GraphQLSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { printVitrineSchema } from "../../src/graphql/schema.ts";

function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || ["String", "Int", "Float", "Boolean", "ID"].includes(type.name)) continue;
    if (!type.description?.trim()) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (!field.description?.trim()) missing.push(`${type.name}.${field.name}`);
        for (const arg of "args" in field ? field.args : []) if (!arg.description?.trim()) missing.push(`${type.name}.${field.name}(${arg.name})`);
      }
    }
    if (isEnumType(type)) for (const v of type.getValues()) if (!v.description?.trim()) missing.push(`${type.name}.${v.name}`);
    if (isScalarType(type) || isUnionType(type)) continue;
  }
  return missing;
}

describe("schema.graphql", () => {
  it("should match the schema the code builds (run `npm run schema:print` after changing types)", async () => {
    const committed = await readFile(new URL("../../schema.graphql", import.meta.url), "utf8");
    expect(committed).toBe(printVitrineSchema());
  });

  it("should describe every type, field, argument and enum value", async () => {
    const schema = buildSchema(await readFile(new URL("../../schema.graphql", import.meta.url), "utf8"));
    expect(undescribed(schema)).toEqual([]);
  });

  it("should follow the Relay conventions clients rely on", async () => {
    const schema = buildSchema(await readFile(new URL("../../schema.graphql", import.meta.url), "utf8"));
    const query = schema.getQueryType()!.getFields();
    for (const name of ["node", "artwork", "artworks", "artist", "artists", "mediumCategories"]) expect(query, name).toHaveProperty(name);
    expect(query.artworks.args.map((a) => a.name).sort()).toEqual(["after", "before", "filter", "first", "last", "sort"]);
    const artwork = schema.getType("Artwork");
    expect(isObjectType(artwork) && artwork.getInterfaces().map((i) => i.name)).toEqual(["Node"]);
    const conn = schema.getType("ArtworkConnection");
    expect(isObjectType(conn) && Object.keys(conn.getFields()).sort()).toEqual(["edges", "pageInfo", "totalCount"]);
    const mutation = schema.getMutationType()!.getFields();
    for (const name of ["createArtwork", "updateArtwork", "deleteArtwork"]) expect(mutation, name).toHaveProperty(name);
  });
});
