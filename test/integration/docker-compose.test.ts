/** docker-compose.yml cannot run here (no Docker engine): its structure is checked instead. */
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.ts";

type Service = { image?: string; build?: unknown; command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, { condition: string }>; healthcheck?: { test: string[] }; volumes?: string[]; profiles?: string[] };

describe("docker-compose.yml", async () => {
  const compose = parse(await readFile(new URL("../../docker-compose.yml", import.meta.url), "utf8"), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
  const s = compose.services;

  it("should run api, worker, postgres and qdrant by default, each with a healthcheck or a healthy dependency", () => {
    const defaults = Object.entries(s).filter(([, v]) => !v.profiles).map(([k]) => k).sort();
    expect(defaults).toEqual(["api", "postgres", "qdrant", "worker"]);
    for (const name of ["api", "postgres", "qdrant"]) expect(s[name].healthcheck?.test.length, name).toBeGreaterThan(0);
    expect(s.api.depends_on).toEqual({ postgres: { condition: "service_healthy" }, qdrant: { condition: "service_healthy" } });
    expect(s.worker.command).toEqual(["node", "bin/vitrine.js", "worker"]);
  });

  it("should use the official images with persistent volumes", () => {
    expect(s.qdrant.image).toMatch(/^qdrant\/qdrant:v\d+\.\d+\.\d+$/);
    expect(s.postgres.image).toMatch(/^postgres:\d+/);
    expect(s.qdrant.volumes).toContain("qdrant-data:/qdrant/storage");
    expect(s.postgres.volumes).toContain("postgres-data:/var/lib/postgresql/data");
    for (const v of [...(s.qdrant.volumes ?? []), ...(s.postgres.volumes ?? []), ...(s.api.volumes ?? [])]) expect(compose.volumes).toHaveProperty(v.split(":")[0]);
  });

  it("should wire the environment so the config points the API at postgres and qdrant", () => {
    for (const name of ["api", "worker"]) {
      const config = loadConfig(s[name].environment ?? {});
      expect(config.databaseUrl, name).toMatch(/@postgres:5432\//);
      expect(config.qdrant?.url, name).toBe("http://qdrant:6333");
      expect(config.worker.inProcess, name).toBe(false);
    }
  });

  it("should offer a cluster profile with three Qdrant peers and replicated shards", () => {
    const peers = Object.entries(s).filter(([k, v]) => v.profiles?.includes("cluster") && k.startsWith("qdrant-node-"));
    expect(peers).toHaveLength(3);
    for (const [, peer] of peers) expect(peer.environment?.QDRANT__CLUSTER__ENABLED).toBe("true");
    expect(peers.filter(([, p]) => p.command?.includes("--bootstrap"))).toHaveLength(2);
    const config = loadConfig(s["api-cluster"].environment ?? {});
    expect(config.qdrant).toMatchObject({ shardNumber: 3, replicationFactor: 2 });
    expect(config.qdrant!.replicationFactor).toBeGreaterThanOrEqual(2);
  });
});
