// The start-up yardstick of bench/startup.ts: a bare Apollo server with one resolver, in plain
// JavaScript (nothing to compile), on the same Node. Prints {"url"} once it listens; stops on SIGTERM.
import { ApolloServer } from "@apollo/server";
import { startStandaloneServer } from "@apollo/server/standalone";

const apollo = new ApolloServer({
  typeDefs: `"The yardstick's only query." type Query { "Says hello." hello: String! }`,
  resolvers: { Query: { hello: () => "hello" } },
});
const { url } = await startStandaloneServer(apollo, { listen: { host: "127.0.0.1", port: 0 } });
process.once("SIGTERM", () => process.exit(0));
process.stdout.write(`${JSON.stringify({ url })}\n`);
