/** Admin writes over HTTP: authentication, domain errors with their input path, and the outbox. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const CREATE = `mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id internalID title yearStart yearEnd mediumCategory artists { name role } provenance { position owner text } dimensions { widthCm } } } }`;

describe.each(STORE_KINDS)("catalogue mutations (%s store)", (kind) => {
  let t: TestApp;
  let artistId: string;
  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false });
    const r = await t.admin(`mutation { createArtist(input: { artist: { name: "Mary Cassatt", nationality: "American", birthYear: 1844, deathYear: 1926 } }) { artist { id name } } }`);
    expect(r.errors).toBeUndefined();
    artistId = r.data.createArtist.artist.id;
  });
  afterAll(() => t?.stop());

  const jobs = (artworkId: string) => t.app.db.prisma.embeddingJob.findMany({ where: { artworkId }, orderBy: { createdAt: "asc" } });

  it("should refuse a mutation without a key (UNAUTHENTICATED), with an unknown key, and with a reader key (FORBIDDEN)", async () => {
    const anon = await t.gql(CREATE, { a: { title: "x" } });
    expect(anon.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(anon.data?.createArtwork ?? null).toBeNull();
    const bogus = await t.gql(CREATE, { a: { title: "x" } }, { authorization: "Bearer vtr_00000000_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" });
    expect(bogus.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const reader = (await t.app.services.apiKeys.create("reader", "READER")).secret;
    const forbidden = await t.gql(CREATE, { a: { title: "x" } }, { authorization: `Bearer ${reader}` });
    expect(forbidden.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect(await t.app.db.prisma.artwork.count()).toBe(0);
  });

  it("should create a work with credits and provenance, and enqueue its embedding job in the same write", async () => {
    const r = await t.admin(CREATE, {
      a: {
        title: "The Boating Party",
        yearStart: 1893,
        yearEnd: 1894,
        medium: "oil on canvas",
        mediumCategory: "PAINTING",
        widthCm: 117.3,
        artists: [{ artistId, role: "painter" }],
        provenance: [{ text: "the artist, until 1894", owner: "the artist" }, { text: "Durand-Ruel, Paris, 1894", owner: "Durand-Ruel", method: "purchase" }],
      },
    });
    expect(r.errors).toBeUndefined();
    const work = r.data.createArtwork.artwork;
    expect(work).toMatchObject({ title: "The Boating Party", yearStart: 1893, mediumCategory: "PAINTING", artists: [{ name: "Mary Cassatt", role: "painter" }], dimensions: { widthCm: 117.3 } });
    expect(work.provenance.map((p: any) => p.owner)).toEqual(["the artist", "Durand-Ruel"]);
    expect((await jobs(work.internalID)).map((j) => [j.reason, j.status])).toEqual([["CREATED", "PENDING"]]);
  });

  it("should report domain mistakes as BAD_USER_INPUT naming the input path", async () => {
    const range = await t.admin(CREATE, { a: { title: "Bad dates", yearStart: 1900, yearEnd: 1850 } });
    expect(range.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artwork.yearEnd" });
    expect(range.errors?.[0].message).toMatch(/ends \(1850\) before it starts \(1900\)/);

    const unknown = await t.admin(CREATE, { a: { title: "Orphan", artists: [{ artistId: "QXJ0aXN0OjAwMDAwMDAwLTAwMDAtNDAwMC04MDAwLTAwMDAwMDAwMDAwMA" }] } });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "input.artwork.artists.0.artistId" });

    const notAnArtist = await t.admin(CREATE, { a: { title: "Orphan", artists: [{ artistId: "garbage" }] } });
    expect(notAnArtist.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artwork.artists.0.artistId" });

    const noTitle = await t.admin(CREATE, { a: { yearStart: 1900 } });
    expect(noTitle.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artwork.title" });

    const badUrl = await t.admin(CREATE, { a: { title: "x", webUrl: "javascript:alert(1)" } });
    expect(badUrl.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artwork.webUrl" });

    const negative = await t.admin(CREATE, { a: { title: "x", widthCm: -3 } });
    expect(negative.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");

    const provenance = await t.admin(CREATE, { a: { title: "x", provenance: [{ text: "ok" }, { text: "bad", yearStart: 1950, yearEnd: 1900 }] } });
    expect(provenance.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artwork.provenance.1.yearEnd" });

    const dup = await t.admin(CREATE, { a: { title: "One", source: "test", sourceId: "dup-1" } });
    expect(dup.errors).toBeUndefined();
    const dup2 = await t.admin(CREATE, { a: { title: "Two", source: "test", sourceId: "dup-1" } });
    expect(dup2.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.artwork.sourceId" });
  });

  it("should update only the given fields, enqueue a job only when the vector depends on the change, and check the merged date range", async () => {
    const created = (await t.admin(CREATE, { a: { title: "Draft", yearStart: 1900, medium: "pencil" } })).data.createArtwork.artwork;
    const retitle = await t.admin(`mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { title: "Study" } }) { artwork { title yearStart medium } } }`, { id: created.id });
    expect(retitle.data.updateArtwork.artwork).toEqual({ title: "Study", yearStart: 1900, medium: "pencil" });
    expect((await jobs(created.internalID)).length).toBe(1); // a title does not change the vector

    const redate = await t.admin(`mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { yearEnd: 1905, artists: [{ artistId: "${artistId}" }] } }) { artwork { yearEnd artists { name } } } }`, { id: created.id });
    expect(redate.data.updateArtwork.artwork).toEqual({ yearEnd: 1905, artists: [{ name: "Mary Cassatt" }] });
    expect((await jobs(created.internalID)).map((j) => j.reason)).toEqual(["CREATED", "UPDATED"]);

    const bad = await t.admin(`mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { yearEnd: 1800 } }) { artwork { title } } }`, { id: created.id });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.artwork.yearEnd" });

    const missing = await t.admin(`mutation { updateArtwork(input: { id: "00000000-0000-4000-8000-000000000000", artwork: { title: "x" } }) { artwork { title } } }`);
    expect(missing.errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });

  it("should delete a work so no query returns it, and leave a job that removes its vector", async () => {
    const created = (await t.admin(CREATE, { a: { title: "Ephemeral" } })).data.createArtwork.artwork;
    const del = await t.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id }) { deletedId } }`, { id: created.id });
    expect(del.data.deleteArtwork.deletedId).toBe(created.id);
    const after = await t.gql(`query($id: ID!) { artwork(id: $id) { title } artworks(first: 100, filter: { text: "Ephemeral" }) { totalCount } }`, { id: created.id });
    expect(after.data).toEqual({ artwork: null, artworks: { totalCount: 0 } });
    expect((await jobs(created.internalID)).map((j) => j.reason)).toEqual(["CREATED", "DELETED"]);
    const again = await t.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id }) { deletedId } }`, { id: created.id });
    expect(again.errors?.[0].extensions?.code).toBe("NOT_FOUND");
  });

  it("should take one input with clientMutationId, echo it, and answer created works and artists as edges to append", async () => {
    const artist = await t.admin(`mutation($a: ArtistInput!) { createArtist(input: { artist: $a, clientMutationId: "a-1" }) { clientMutationId artist { id } artistEdge { cursor node { id name } } } }`, {
      a: { name: "Zacharias Relay-Tester" },
    });
    expect(artist.errors).toBeUndefined();
    const made = artist.data.createArtist;
    expect(made.clientMutationId).toBe("a-1");
    expect(made.artistEdge.node).toEqual({ id: made.artist.id, name: "Zacharias Relay-Tester" });
    // the edge's cursor is the artist's place in `artists`: what follows it there comes after it by name
    const afterArtist = await t.gql(`query($c: String) { artists(first: 100, after: $c) { edges { node { id name } } } }`, { c: made.artistEdge.cursor });
    expect(afterArtist.errors).toBeUndefined();
    expect(afterArtist.data.artists.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(made.artist.id);

    const work = await t.admin(`mutation($a: ArtworkInput!, $m: String) { createArtwork(input: { artwork: $a, clientMutationId: $m }) { clientMutationId artwork { id } artworkEdge { cursor node { id title } } } }`, {
      a: { title: "Aardvark at Dawn", artists: [{ artistId: made.artist.id }] },
      m: "w-1",
    });
    expect(work.errors).toBeUndefined();
    const w = work.data.createArtwork;
    expect(w.clientMutationId).toBe("w-1");
    expect(w.artworkEdge.node).toEqual({ id: w.artwork.id, title: "Aardvark at Dawn" });
    // its cursor in `artworks` (title order): the page before it ends just before it, the page after it starts after it
    const all = await t.gql(`{ artworks(first: 100) { edges { cursor node { id } } } }`);
    const at = all.data.artworks.edges.findIndex((e: { node: { id: string } }) => e.node.id === w.artwork.id);
    expect(at).toBeGreaterThanOrEqual(0);
    const next = await t.gql(`query($c: String) { artworks(first: 1, after: $c) { edges { node { id } } } }`, { c: w.artworkEdge.cursor });
    expect(next.data.artworks.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(all.data.artworks.edges.slice(at + 1, at + 2).map((e: { node: { id: string } }) => e.node.id));

    // without clientMutationId the payload says null; update, delete echo too
    const upd = await t.admin(`mutation($id: ID!) { updateArtwork(input: { id: $id, artwork: { title: "Aardvark at Dusk" } }) { clientMutationId artwork { title } } }`, { id: w.artwork.id });
    expect(upd.data.updateArtwork).toEqual({ clientMutationId: null, artwork: { title: "Aardvark at Dusk" } });
    const del = await t.admin(`mutation($id: ID!) { deleteArtwork(input: { id: $id, clientMutationId: "d-1" }) { clientMutationId deletedId } }`, { id: w.artwork.id });
    expect(del.data.deleteArtwork).toEqual({ clientMutationId: "d-1", deletedId: w.artwork.id });
  });

  it("should answer NOT_FOUND naming input.id (or the input path) from every mutation given an id of the wrong type, as given an unknown id", async () => {
    const artist = (await t.admin(`mutation { createArtist(input: { artist: { name: "Wrong Type Tester" } }) { artist { id } } }`)).data.createArtist.artist.id as string;
    const work = (await t.admin(`mutation { createArtwork(input: { artwork: { title: "Wrong Type Work" } }) { artwork { id } } }`)).data.createArtwork.artwork.id as string;
    const cases: [string, Record<string, unknown>, string][] = [
      [`mutation($v: ID!) { updateArtwork(input: { id: $v, artwork: { title: "x" } }) { clientMutationId } }`, { v: artist }, "input.id"],
      [`mutation($v: ID!) { deleteArtwork(input: { id: $v }) { clientMutationId } }`, { v: artist }, "input.id"],
      [`mutation($v: ID!) { attachArtworkImage(input: { id: $v, image: { url: "http://127.0.0.1:1/x.png" } }) { clientMutationId } }`, { v: artist }, "input.id"],
      [`mutation($v: ID!) { updateArtist(input: { id: $v, artist: { name: "y" } }) { clientMutationId } }`, { v: work }, "input.id"],
      [`mutation($v: ID!) { deleteArtist(input: { id: $v }) { clientMutationId } }`, { v: work }, "input.id"],
      [`mutation($a: ID!, $v: ID!) { deleteArtist(input: { id: $a, reassignTo: $v }) { clientMutationId } }`, { a: artist, v: work }, "input.reassignTo"],
      [`mutation($a: ID!, $v: ID!) { mergeArtists(input: { keep: $a, merge: [$v] }) { clientMutationId } }`, { a: artist, v: work }, "input.merge.0"],
      [`mutation($v: ID!) { mergeArtists(input: { keep: $v, merge: [$v] }) { clientMutationId } }`, { v: work }, "input.keep"],
      [`mutation($v: ID!) { createArtwork(input: { artwork: { title: "z", artists: [{ artistId: $v }] } }) { clientMutationId } }`, { v: work }, "input.artwork.artists.0.artistId"],
    ];
    for (const [query, variables, field] of cases) {
      const r = await t.admin(query, variables);
      expect(r.errors?.[0].extensions, query).toMatchObject({ code: "NOT_FOUND", field });
    }
    const unknownWork = Buffer.from("Artwork:00000000-0000-4000-8000-000000000000").toString("base64url");
    const unknown = await t.admin(cases[0][0], { v: unknownWork });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: "NOT_FOUND", field: "input.id" });
  });
});
