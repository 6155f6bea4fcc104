/**
 * The VectorIndex contract against a real Qdrant server: runs only when QDRANT_URL is set (e.g.
 * QDRANT_URL=http://localhost:6333 npm test). Qdrant servers may be shared, so every collection and
 * alias of a run carries a random run suffix, and cleanup drops whatever the run created.
 */
import { randomUUID } from "node:crypto";
import { describe, it } from "vitest";
import { QdrantVectorIndex } from "../../src/adapters/qdrant/qdrant-vector-index.ts";
import { loadConfig } from "../../src/config/config.ts";
import { vectorIndexContract } from "./vector-index.contract.ts";

if (process.env.QDRANT_URL) {
  // as configured, and with int8 quantization (searches rescored with the full vectors)
  for (const quantization of [null, "int8"] as const) {
    vectorIndexContract(quantization ? `QdrantVectorIndex (${quantization} quantization)` : "QdrantVectorIndex", async () => {
      const configured = loadConfig(process.env).qdrant;
      if (!configured) throw new Error("QDRANT_URL is set but the configuration has no Qdrant settings.");
      const config = quantization ? { ...configured, quantization } : configured;
      const index = new QdrantVectorIndex(config);
      const runPrefix = `${config.collectionPrefix}-contract-${randomUUID().slice(0, 8)}-`;
      return {
        index,
        collection: (base: string) => `${runPrefix}${base}`,
        cleanup: async () => {
          // dropping a collection also removes the aliases that point at it
          for (const name of await index.listCollections()) {
            if (name.startsWith(runPrefix)) await index.dropCollection(name);
          }
          await index.close();
        },
      };
    });
  }
} else {
  describe("QdrantVectorIndex contract", () => {
    it.skip("set QDRANT_URL to run the Qdrant contract tests", () => {});
  });
}
