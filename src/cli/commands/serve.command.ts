/** `vitrine serve` (what `npm start` runs): the API, with graceful shutdown on SIGTERM / SIGINT. */
import type { Command } from "commander";
import type { Config } from "../../config/config.ts";
import { createApp } from "../../main.ts";

export function registerServeCommand(program: Command, getConfig: () => Config): void {
  program
    .command("serve")
    .description("Start the GraphQL API (embedded store and index unless DATABASE_URL / QDRANT_URL are set)")
    .action(async () => {
      const app = await createApp(getConfig());
      const url = await app.listen();
      app.log.info({ url: `${url}/graphql`, store: app.db.kind }, `vitrine is listening: open ${url}/graphql`);
      const shutdown = (signal: string) => {
        app.log.info({ signal }, "shutting down");
        app.stop().then(
          () => process.exit(0),
          (e) => {
            app.log.error({ err: e }, "shutdown failed");
            process.exit(1);
          },
        );
      };
      process.once("SIGTERM", () => shutdown("SIGTERM"));
      process.once("SIGINT", () => shutdown("SIGINT"));
    });
}
