/**
 * The yardstick the similarity issue measures against: a bare Apollo server (`startStandaloneServer`)
 * with one type-graphql resolver over the same usearch index, searched on the server's own thread,
 * with no catalogue, no limits and no index thread. It answers `similar(id, first) { id score }`.
 * What a vitrine request costs beyond it is vitrine's own: the rows of the works, their fields,
 * the limits and the hop to the index thread.
 */
import "reflect-metadata";
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";
import { Arg, buildSchema, Field, Float, ID, Int, ObjectType, Query, Resolver } from "type-graphql";
import { UsearchVectorIndex } from "../src/adapters/embedded/usearch-vector-index.ts";
import type { Quantization } from "../src/config/config.ts";
import { fileURLToPath } from "node:url";

export const BARE_QUERY = "query Bare($id: ID!) { similar(id: $id, first: 10) { id score } }";
/** This file, run as a script: `node --import @swc-node/register/esm-register bench/bare-server.ts <index dir> <collection> <quantization>`. */
export const BARE_SERVER = fileURLToPath(import.meta.url);

@ObjectType({ description: "A neighbour." })
class BareHit {
  @Field(() => ID, { description: "Its id." })
  id!: string;

  @Field(() => Float, { description: "Cosine to the work." })
  score!: number;
}

/** Serves `collection` of the index folder `dir` until the process ends; resolves with the URL. */
export async function serveBare(dir: string, collection: string, quantization: Quantization): Promise<string> {
  const index = await UsearchVectorIndex.open({ dir, quantization });

  @Resolver()
  class BareResolver {
    @Query(() => [BareHit], { description: "The work's nearest neighbours." })
    async similar(@Arg("id", () => ID) id: string, @Arg("first", () => Int, { defaultValue: 10 }) first: number): Promise<BareHit[]> {
      const near = await index.searchNear(collection, { id, k: first });
      return near ? near.hits.map((h) => ({ id: h.id, score: h.score })) : [];
    }
  }

  const schema = await buildSchema({ resolvers: [BareResolver], validate: false });
  const apollo = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(apollo, { listen: { host: "127.0.0.1", port: 0 } });
  return url;
}

// run as a script: serve, print {"url"} on stdout (what the benchmark's ServerProcess waits for), stop on SIGTERM
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [dir, collection, quantization] = process.argv.slice(2);
  const url = await serveBare(dir, collection, quantization as Quantization);
  process.once("SIGTERM", () => process.exit(0));
  process.stdout.write(`${JSON.stringify({ url, warmSeconds: 0 })}\n`);
}
