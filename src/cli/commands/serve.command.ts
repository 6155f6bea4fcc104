/** `vitrine serve` (what `npm start` runs): the API, with graceful shutdown on SIGTERM / SIGINT. */
import type { Command } from "commander";
import type { Config } from "../../config/config.ts";

/** How long a graceful shutdown may take before the process exits anyway (orchestrators kill at 30 s). */
const SHUTDOWN_DEADLINE_MS = 20_000;

export function registerServeCommand(program: Command, getConfig: () => Config): void {
  program
    .command("serve")
    .description("Start the GraphQL API (embedded store and index unless DATABASE_URL / QDRANT_URL are set)")
    .action(async () => {
      const { createApp } = await import("../../main.ts"); // loaded on use: `vitrine --help` stays quick
      const app = await createApp(getConfig());
      const url = await app.listen();
      // the embedded store is this process's alone: tell other commands (vitrine import) where to send their work
      const { recordServer } = await import("../../adapters/fs/server-file.ts");
      const forget = app.db.kind === "embedded" ? await recordServer(app.config.dataDir, url) : async () => {};
      app.log.info({ url: `${url}/graphql`, store: app.db.kind }, `vitrine is listening: open ${url}/graphql`);
      const shutdown = (signal: string) => {
        app.log.info({ signal }, "shutting down");
        // requests in flight get their answers, but a stop never waits for ever (a connection that never settles)
        setTimeout(() => {
          app.log.error({ afterMs: SHUTDOWN_DEADLINE_MS }, "shutdown did not finish in time; exiting");
          process.exit(1);
        }, SHUTDOWN_DEADLINE_MS).unref();
        app.stop().then(forget).then(
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
