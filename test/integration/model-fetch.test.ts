/** `vitrine model fetch`: streamed download, SHA-256 check, atomic rename, resume with Range. */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChecksumMismatchError, ModelFetchError, fetchModel } from "../../src/model/model-fetcher.ts";
import { generateVitMae } from "../../src/model/vitmae-generator.ts";
import { checkVitMae } from "../../src/model/vitmae-check.ts";
import { startFileServer, type FileServer } from "../support/http-file-server.ts";

const model = generateVitMae({ size: "tiny", seed: 11 });
const sha = createHash("sha256").update(model).digest("hex");

describe(fetchModel.name, () => {
  let server: FileServer;
  let dir: string;
  let out: string;

  beforeAll(async () => {
    server = await startFileServer({ body: model });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "vitrine-fetch-"));
    out = path.join(dir, "models", "vit-mae.onnx");
    server.behaviour.ignoreRange = false;
    server.behaviour.cutAfterBytes = undefined;
    server.behaviour.status = undefined;
    server.ranges.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("should download, check the checksum and leave only the file in place", async () => {
    const result = await fetchModel({ url: server.url, out, sha256: sha, progress: false });
    expect(result).toMatchObject({ path: out, bytes: model.length, sha256: sha, resumedFrom: 0 });
    expect(createHash("sha256").update(readFileSync(out)).digest("hex")).toBe(sha);
    expect(existsSync(`${out}.part`)).toBe(false);
    expect((await checkVitMae(out)).ok).toBe(true);
  });

  it("should refuse a wrong checksum, naming both hashes, and put no file in place", async () => {
    const wrong = "0".repeat(64);
    const error = await fetchModel({ url: server.url, out, sha256: wrong, progress: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChecksumMismatchError);
    expect((error as Error).message).toContain(wrong);
    expect((error as Error).message).toContain(sha);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it("should report an HTTP error status", async () => {
    server.behaviour.status = 404;
    const error = await fetchModel({ url: server.url, out, progress: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFetchError);
    expect((error as Error).message).toContain("HTTP 404");
    expect(existsSync(out)).toBe(false);
  });

  it("should keep the .part file when the connection is cut, then resume it with a Range request", async () => {
    const cut = Math.floor(model.length / 3);
    server.behaviour.cutAfterBytes = cut;
    const error = await fetchModel({ url: server.url, out, sha256: sha, progress: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelFetchError);
    expect((error as ModelFetchError).resumable).toBe(true);
    expect((error as Error).message).toMatch(/run the same command again to resume/);
    expect(existsSync(out)).toBe(false);
    const kept = statSync(`${out}.part`).size;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(model.length);

    const result = await fetchModel({ url: server.url, out, sha256: sha, progress: false });
    expect(server.ranges.at(-1)).toBe(`bytes=${kept}-`);
    expect(result.resumedFrom).toBe(kept);
    expect(Buffer.compare(readFileSync(out), Buffer.from(model))).toBe(0);
    expect(existsSync(`${out}.part`)).toBe(false);
  });

  it("should start over when the server ignores Range", async () => {
    const partial = model.subarray(0, 1000);
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(`${out}.part`, Buffer.from(partial.map((b) => b ^ 0xff))); // wrong bytes: only a restart gives the right file
    server.behaviour.ignoreRange = true;
    const result = await fetchModel({ url: server.url, out, sha256: sha, progress: false });
    expect(server.ranges).toEqual(["bytes=1000-"]);
    expect(result.resumedFrom).toBe(0);
    expect(result.notes.join(" ")).toMatch(/ignored the Range request/);
    expect(Buffer.compare(readFileSync(out), Buffer.from(model))).toBe(0);
  });
});
