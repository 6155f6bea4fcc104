/**
 * Errors a client can act on, and errors logged with their request: a source id that exists is
 * CONFLICT (on create, on an update into it, and when two creates race: the database's unique
 * constraint decides), and an unexpected failure's log line carries the request id the response's
 * x-request-id header carries.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConflictError } from "../../src/domain/errors.ts";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const CREATE = `mutation($a: ArtworkInput!) { createArtwork(input: { artwork: $a }) { artwork { id internalID } } }`;
const UPDATE = `mutation($id: ID!, $a: ArtworkInput!) { updateArtwork(input: { id: $id, artwork: $a }) { artwork { id } } }`;

describe.each(STORE_KINDS)("conflicting source ids (%s store)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false });
  });
  afterAll(() => t?.stop());

  const count = (sourceId: string) => t.app.db.prisma.artwork.count({ where: { source: "museum", sourceId } });

  it("should answer CONFLICT at artwork.sourceId to a create of a source id that exists, and keep the first work", async () => {
    const first = await t.admin(CREATE, { a: { title: "First", source: "museum", sourceId: "A-1" } });
    expect(first.errors).toBeUndefined();
    const second = await t.admin(CREATE, { a: { title: "Second", source: "museum", sourceId: "A-1" } });
    expect(second.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.artwork.sourceId" });
    expect(second.errors?.[0].message).toMatch(/already/);
    expect(await count("A-1")).toBe(1);
  });

  it("should let one of concurrent creates of one source id win and answer CONFLICT to the others", async () => {
    for (const racers of [2, 8]) {
      const sourceId = `RACE-${racers}`;
      const answers = await Promise.all(Array.from({ length: racers }, (_, n) => t.admin(CREATE, { a: { title: `Racer ${n}`, source: "museum", sourceId } })));
      const won = answers.filter((a) => !a.errors);
      const lost = answers.filter((a) => a.errors);
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(racers - 1);
      for (const l of lost) {
        expect(l.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.artwork.sourceId" });
        expect(l.data?.createArtwork ?? null).toBeNull();
      }
      expect(await count(sourceId)).toBe(1);
    }
  });

  it("should refuse in the store itself (the race the service's check cannot see) with a ConflictError naming sourceId", async () => {
    const write = { fields: { title: "Behind the check" }, source: "museum", sourceId: "A-1" };
    await expect(t.app.core.store.createArtwork(write)).rejects.toSatisfy((e) => e instanceof ConflictError && e.field === "sourceId");
    expect(await count("A-1")).toBe(1);
  });

  it("should answer CONFLICT to an update that moves a work onto another work's source id, naming the field it changed", async () => {
    const other = (await t.admin(CREATE, { a: { title: "Other", source: "museum", sourceId: "B-1" } })).data.createArtwork.artwork;
    const moved = await t.admin(UPDATE, { id: other.id, a: { sourceId: "A-1" } });
    expect(moved.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.artwork.sourceId" });
    const elsewhere = (await t.admin(CREATE, { a: { title: "Elsewhere", source: "archive", sourceId: "A-1" } })).data.createArtwork.artwork;
    const resourced = await t.admin(UPDATE, { id: elsewhere.id, a: { source: "museum" } });
    expect(resourced.errors?.[0].extensions).toMatchObject({ code: "CONFLICT", field: "input.artwork.source" });
    // nothing changed, and a move to a free source id still works
    expect(await t.app.db.prisma.artwork.findUnique({ where: { id: other.internalID }, select: { sourceId: true } })).toEqual({ sourceId: "B-1" });
    const free = await t.admin(UPDATE, { id: other.id, a: { sourceId: "B-2" } });
    expect(free.errors).toBeUndefined();
  });
});

describe("unexpected errors in the log", () => {
  const lines: Record<string, unknown>[] = [];
  let t: TestApp;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    t = await startTestApp("embedded", { demo: false, log: pino({ level: "info" }, sink) });
  });
  afterAll(() => t?.stop());

  async function failing(headers: Record<string, string> = {}): Promise<{ requestId: string | null; body: { errors?: { extensions?: Record<string, unknown> }[] } }> {
    // a database failure no client can cause: the table is gone under the server
    await t.app.db.prisma.$executeRawUnsafe(`ALTER TABLE "Artwork" RENAME TO "Artwork_gone"`);
    try {
      const res = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query: "{ artworks(first: 1) { totalCount } }" }) });
      return { requestId: res.headers.get("x-request-id"), body: (await res.json()) as never };
    } finally {
      await t.app.db.prisma.$executeRawUnsafe(`ALTER TABLE "Artwork_gone" RENAME TO "Artwork"`);
    }
  }

  const unexpected = (requestId: string | null) => lines.filter((l) => l.msg === "unexpected error in a resolver" && l.requestId === requestId);

  it("should log an internal error with the request id of the response's x-request-id header, and not send the id in the error", async () => {
    const { requestId, body } = await failing();
    expect(body.errors?.[0].extensions?.code).toBe("INTERNAL_SERVER_ERROR");
    expect(body.errors?.[0].extensions).not.toHaveProperty("requestId");
    expect(requestId).toMatch(/^[\w.-]+$/);
    const logged = unexpected(requestId);
    expect(logged).toHaveLength(1);
    expect(logged[0].level).toBe(50);
    expect(JSON.stringify(logged[0].err)).toMatch(/Artwork/);
  });

  it("should log it with the client's own x-request-id when one was sent", async () => {
    const { requestId } = await failing({ "x-request-id": "client-trace.42" });
    expect(requestId).toBe("client-trace.42");
    expect(unexpected("client-trace.42")).toHaveLength(1);
  });
});
