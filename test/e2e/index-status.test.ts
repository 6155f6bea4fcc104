/**
 * The admin views of the index over HTTP: indexStatus (catalogue count, vectors per generation, open
 * and failed jobs with reasons) and embeddingJobs (paged by status); and the worker removing DONE jobs
 * past their retention.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STORE_KINDS } from "../support/databases.ts";
import { startTestApp, type TestApp } from "../support/test-app.ts";

const STATUS = `query { indexStatus(failures: 5) { catalogueCount live { collection vectors } building { collection vectors } pendingJobs runningJobs failedJobs failures { artworkId attempts lastError failedAt } } }`;
const JOBS = `query($status: EmbeddingJobStatus, $first: Int, $after: String) { embeddingJobs(status: $status, first: $first, after: $after) {
  totalCount edges { cursor node { id artworkId reason status attempts lastError } } pageInfo { hasNextPage endCursor } } }`;

describe.each(STORE_KINDS)("index status and embedding jobs (%s store)", (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(kind, { demo: false });
  });
  afterAll(() => t?.stop());

  it("should be for admins only", async () => {
    expect((await t.gql(STATUS)).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect((await t.gql(JOBS, {})).errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("should tell the truth about what is indexed, what waits and what failed, and page through jobs", async () => {
    const rows = Array.from({ length: 7 }, (_, i) => JSON.stringify({ sourceId: `s${i}`, title: `Status work ${i}` }));
    await t.app.services.importer.importLines(rows, { defaultSource: "status-test" });
    const before = (await t.admin(STATUS)).data.indexStatus;
    expect(before).toMatchObject({ catalogueCount: 7, pendingJobs: 7, failedJobs: 0, failures: [] });
    expect(before.live.collection).toBe(t.app.core.indexService.collection);

    await t.app.core.createWorker().drain();
    // one job that failed for good, with its reason
    const id = (await t.app.core.store.artworkIdsAfter(null, 1))[0];
    await t.app.core.queue.enqueue([id], "REINDEX");
    const [claimed] = await t.app.core.queue.claim(1, "test", 60_000, t.app.core.indexService.collection);
    await t.app.core.queue.fail(claimed.id, "the image could not be decoded", null);
    const after = (await t.admin(STATUS)).data.indexStatus;
    expect(after).toMatchObject({ catalogueCount: 7, live: { vectors: 7 }, building: null, pendingJobs: 0, runningJobs: 0, failedJobs: 1 });
    expect(after.failures).toEqual([expect.objectContaining({ attempts: 1, lastError: "the image could not be decoded" })]);

    const failed = (await t.admin(JOBS, { status: "FAILED" })).data.embeddingJobs;
    expect(failed.totalCount).toBe(1);
    expect(failed.edges[0].node).toMatchObject({ reason: "REINDEX", status: "FAILED", lastError: "the image could not be decoded", artworkId: after.failures[0].artworkId });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r: any = (await t.admin(JOBS, { status: "DONE", first: 3, after: cursor })).data.embeddingJobs;
      seen.push(...r.edges.map((e: any) => e.node.id));
      if (!r.pageInfo.hasNextPage) break;
      cursor = r.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(7);
    const bad = await t.admin(JOBS, { after: "not-a-cursor" });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "after" });
    const huge = await t.admin(JOBS, { first: 100_000 });
    // refused before it runs (the query cost limit, or the argument's range)
    expect(["BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"]).toContain(huge.errors?.[0].extensions?.code);
  });

  it("should have the worker remove DONE jobs past the retention, and keep the others", async () => {
    const done = await t.app.core.queue.count("DONE");
    expect(done).toBeGreaterThan(0);
    await t.app.db.prisma.embeddingJob.updateMany({ where: { status: "DONE" }, data: { updatedAt: new Date(Date.now() - 25 * 3_600_000) } });
    await t.app.core.createWorker().runOnce(); // the default retention: 24 hours
    expect(await t.app.core.queue.count("DONE")).toBe(0);
    expect(await t.app.core.queue.count("FAILED")).toBe(1);
  });
});
