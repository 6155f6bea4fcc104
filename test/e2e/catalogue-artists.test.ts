/** Keeping artists clean over HTTP: name-derived keys, CONFLICT on duplicates, import by name, update, delete and merge. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const CREATE_ARTIST = `mutation($a: ArtistInput!) { createArtist(input: { artist: $a }) { artist { id internalID name birthYear } } }`;
const UPDATE_ARTIST = `mutation($id: ID!, $a: ArtistInput!) { updateArtist(input: { id: $id, artist: $a }) { artist { id name nationality birthYear } } }`;
const DELETE_ARTIST = `mutation($id: ID!, $to: ID) { deleteArtist(input: { id: $id, reassignTo: $to }) { deletedId reassignedTo { id } reassignedArtworkCount } }`;
const MERGE = `mutation($keep: ID!, $merge: [ID!]!) { mergeArtists(input: { keep: $keep, merge: $merge }) { artist { id name } mergedIds movedArtworkCount } }`;
const CREATE_WORK = `mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id internalID } } }`;
const CREDITS = `query($id: ID!) { artwork(id: $id) { artists { name artist { id } } } }`;

describe.each(STORE_KINDS)("catalogue artists (%s store)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false });
  });
  afterAll(() => t?.stop());

  const createArtist = async (a: Record<string, unknown>) => {
    const r = await t.admin(CREATE_ARTIST, { a });
    expect(r.errors).toBeUndefined();
    return r.data.createArtist.artist as { id: string; internalID: string; name: string };
  };
  const createWork = async (title: string, artistIds: string[]) => {
    const r = await t.admin(CREATE_WORK, { a: { title, mediumCategory: "PAINTING", yearStart: 1890, artists: artistIds.map((artistId) => ({ artistId })) } });
    expect(r.errors).toBeUndefined();
    return r.data.createArtwork.artwork as { id: string; internalID: string };
  };
  const pendingJobs = (artworkId: string) => t.app.db.prisma.embeddingJob.count({ where: { artworkId, status: "PENDING" } });

  it("should answer CONFLICT naming the existing artist when the same artist is created twice, however the name is written", async () => {
    const mary = await createArtist({ name: "Mary Cassatt", birthYear: 1844, deathYear: 1926 });
    for (const name of ["Mary Cassatt", "mary  CASSATT", " Mary Cassatt. "]) {
      const again = await t.admin(CREATE_ARTIST, { a: { name } });
      expect(again.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.artist.name", existing: { id: mary.id, internalID: mary.internalID, name: "Mary Cassatt" } });
      expect(again.errors?.[0].message).toContain(mary.internalID);
      expect(again.errors?.[0].message).toContain("Mary Cassatt");
    }
    const sameDates = await t.admin(CREATE_ARTIST, { a: { name: "Mary Cassatt", birthYear: 1844 } });
    expect(sameDates.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(await t.app.db.prisma.artist.count({ where: { name: "Mary Cassatt" } })).toBe(1);

    // accents fold too: "Édouard Manet" and "Edouard Manet" are one
    const manet = await createArtist({ name: "Édouard Manet" });
    const plain = await t.admin(CREATE_ARTIST, { a: { name: "Edouard Manet" } });
    expect(plain.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", existing: { id: manet.id } });
  });

  it("should keep two artists of one name apart by their birth years, and match an undated name to the existing one", async () => {
    const a = await createArtist({ name: "John Smith", birthYear: 1900 });
    const b = await createArtist({ name: "John Smith", birthYear: 1950 });
    expect(a.id).not.toBe(b.id);
    const keys = (await t.app.db.prisma.artist.findMany({ where: { name: "John Smith" }, select: { key: true }, orderBy: { birthYear: "asc" } })).map((k) => k.key);
    expect(keys).toEqual(["name:john smith:1900-", "name:john smith:1950-"]);
    // without dates it could be either: CONFLICT asks for dates and names one of them
    const undated = await t.admin(CREATE_ARTIST, { a: { name: "John Smith" } });
    expect(undated.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(undated.errors?.[0].message).toMatch(/birthYear/);

    const ada = await createArtist({ name: "Ada Jones", birthYear: 1880 });
    const again = await t.admin(CREATE_ARTIST, { a: { name: "ADA JONES" } });
    expect(again.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", existing: { id: ada.id } });
  });

  it("should credit the existing artist when an import names it, with or without dates, and create one for another birth year", async () => {
    const berthe = await createArtist({ name: "Berthe Morisot", birthYear: 1841 });
    const row = (sourceId: string, artist: Record<string, unknown>) => JSON.stringify({ sourceId, title: `Import ${sourceId}`, artists: [artist] });
    const summary = await t.app.services.importer.importLines([
      row("m1", { name: "Berthe Morisot" }),
      row("m2", { name: "berthe morisot", birthYear: 1841, deathYear: 1895 }),
      row("m3", { name: "Berthe Morisot", birthYear: 1790 }),
    ]);
    expect(summary.rejected).toEqual([]);
    const credited = await t.app.db.prisma.artworkArtist.findMany({ where: { artwork: { sourceId: { in: ["m1", "m2", "m3"] } } }, include: { artwork: true } });
    const bySource = new Map(credited.map((c) => [c.artwork.sourceId, c.artistId]));
    expect(bySource.get("m1")).toBe(berthe.internalID);
    expect(bySource.get("m2")).toBe(berthe.internalID);
    expect(bySource.get("m3")).not.toBe(berthe.internalID);
    expect(await t.app.db.prisma.artist.count({ where: { nameKey: "berthe morisot" } })).toBe(2);
  });

  it("should update an artist, re-deriving its key and re-queueing its works, and refuse a change that makes it a duplicate", async () => {
    const artist = await createArtist({ name: "Gustave Caillebote" });
    const work = await createWork("Paris Street; Rainy Day", [artist.id]);
    await t.drain();
    expect(await pendingJobs(work.internalID)).toBe(0);

    const r = await t.admin(UPDATE_ARTIST, { id: artist.id, a: { name: "Gustave Caillebotte", birthYear: 1848, nationality: "French" } });
    expect(r.errors).toBeUndefined();
    expect(r.data.updateArtist.artist).toMatchObject({ id: artist.id, name: "Gustave Caillebotte", nationality: "French", birthYear: 1848 });
    const stored = await t.app.db.prisma.artist.findUniqueOrThrow({ where: { id: artist.internalID } });
    expect(stored.key).toBe("name:gustave caillebotte:1848-");
    expect(await pendingJobs(work.internalID)).toBe(1);
    const credits = await t.gql(CREDITS, { id: work.id });
    expect(credits.data.artwork.artists[0].name).toBe("Gustave Caillebotte");
    // the new name is searchable at once
    const found = await t.gql(`{ artworks(filter: { text: "caillebotte" }) { edges { node { internalID } } } }`);
    expect(found.data.artworks.edges.map((e: any) => e.node.internalID)).toEqual([work.internalID]);

    const other = await createArtist({ name: "Claude Monet" });
    const clash = await t.admin(UPDATE_ARTIST, { id: other.id, a: { name: "Gustave Caillebotte" } });
    expect(clash.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", existing: { id: artist.id } });
    const missing = await t.admin(UPDATE_ARTIST, { id: "QXJ0aXN0OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA", a: { name: "x" } });
    expect(missing.errors?.[0].extensions?.code).toBe("NOT_FOUND");
    const empty = await t.admin(UPDATE_ARTIST, { id: other.id, a: { name: "  " } });
    expect(empty.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artist.name" });
  });

  it("should refuse to delete an artist while works credit it, delete it with reassignTo, and delete an uncredited one", async () => {
    const credited = await createArtist({ name: "Camille Pissarro" });
    const heir = await createArtist({ name: "Lucien Pissarro" });
    const work = await createWork("Boulevard Montmartre", [credited.id]);
    await t.drain();

    const refused = await t.admin(DELETE_ARTIST, { id: credited.id });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.id" });
    expect(refused.errors?.[0].message).toMatch(/credited on 1 work.*reassignTo/);
    expect(await t.app.db.prisma.artist.count({ where: { id: credited.internalID } })).toBe(1);

    const toSelf = await t.admin(DELETE_ARTIST, { id: credited.id, to: credited.id });
    expect(toSelf.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.reassignTo" });

    const moved = await t.admin(DELETE_ARTIST, { id: credited.id, to: heir.id });
    expect(moved.errors).toBeUndefined();
    expect(moved.data.deleteArtist).toEqual({ deletedId: credited.id, reassignedTo: { id: heir.id }, reassignedArtworkCount: 1 });
    expect((await t.gql(CREDITS, { id: work.id })).data.artwork.artists.map((a: any) => a.artist.id)).toEqual([heir.id]);
    expect(await pendingJobs(work.internalID)).toBe(1);
    expect((await t.gql(`query($id: ID!) { artist(id: $id) { id } }`, { id: credited.id })).data.artist).toBeNull();

    const lone = await createArtist({ name: "Nobody Credited" });
    const gone = await t.admin(DELETE_ARTIST, { id: lone.id });
    expect(gone.data.deleteArtist).toEqual({ deletedId: lone.id, reassignedTo: null, reassignedArtworkCount: 0 });
    const twice = await t.admin(DELETE_ARTIST, { id: lone.id });
    expect(twice.errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });

  it("should merge duplicates: credits move to the artist kept, duplicates go, and the moved works get their artist similarity back", async () => {
    const keep = await createArtist({ name: "Paul Cézanne", nationality: "French" });
    // a duplicate from another source (its own key), as imports by source id make
    const dup = await createArtist({ name: "Paul Cezanne", key: "other-source:42", nationality: "French" });
    const w1 = await createWork("Mont Sainte-Victoire", [keep.id]);
    const w2 = await createWork("The Card Players", [dup.id]);
    const both = await createWork("Still Life with Apples", [dup.id, keep.id]);
    await t.drain();
    const artistScore = async () => (await t.gql(`query($a: ID!, $b: ID!) { explainSimilarity(a: $a, b: $b) { artist } }`, { a: w1.id, b: w2.id })).data.explainSimilarity.artist;
    const before = await artistScore();

    const bad = await t.admin(MERGE, { keep: keep.id, merge: [keep.id] });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.merge.0" });
    const none = await t.admin(MERGE, { keep: keep.id, merge: [] });
    expect(none.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.merge" });

    const r = await t.admin(MERGE, { keep: keep.id, merge: [dup.id] });
    expect(r.errors).toBeUndefined();
    expect(r.data.mergeArtists).toEqual({ artist: { id: keep.id, name: "Paul Cézanne" }, mergedIds: [dup.id], movedArtworkCount: 2 });
    expect(await t.app.db.prisma.artist.count({ where: { id: dup.internalID } })).toBe(0);
    expect((await t.gql(CREDITS, { id: w2.id })).data.artwork.artists.map((a: any) => a.artist.id)).toEqual([keep.id]);
    // a work crediting both keeps one credit
    expect((await t.gql(CREDITS, { id: both.id })).data.artwork.artists.map((a: any) => a.artist.id)).toEqual([keep.id]);
    expect(await pendingJobs(w2.internalID)).toBe(1);
    expect(await pendingJobs(both.internalID)).toBe(1);
    expect(await pendingJobs(w1.internalID)).toBe(0);

    await t.drain();
    const after = await artistScore();
    expect(after).toBeGreaterThan(before);
    expect(after).toBeGreaterThan(0);
  });
});
