/**
 * The composition root: config → adapters → services → schema → HTTP. The only place that creates
 * adapters; everything else receives what it needs.
 */
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { IncomingMessage, Server } from "node:http";
import type { Logger } from "pino";
import type { Config } from "./config/config.ts";
import { createLogger } from "./config/logger.ts";
import { openDatabase, type Database } from "./adapters/prisma/database.ts";
import { PrismaApiKeyStore } from "./adapters/prisma/prisma-api-key-store.ts";
import { PrismaCatalogueStore } from "./adapters/prisma/prisma-catalogue-store.ts";
import { createApollo } from "./graphql/apollo.ts";
import type { GraphQLContext } from "./graphql/context.ts";
import { createCatalogueLoaders } from "./graphql/loaders/catalogue.loaders.ts";
import { ArtistResolver } from "./graphql/resolvers/artist.resolver.ts";
import { ArtworkAdminResolver } from "./graphql/resolvers/artwork-admin.resolver.ts";
import { ArtworkResolver } from "./graphql/resolvers/artwork.resolver.ts";
import { NodeResolver } from "./graphql/resolvers/node.resolver.ts";
import { buildVitrineSchema } from "./graphql/schema.ts";
import { checkHealth, type HealthReport } from "./http/health.ts";
import { Metrics } from "./http/metrics.ts";
import { createHttpServer } from "./http/server.ts";
import { ApiKeyService } from "./services/api-key.service.ts";
import { CatalogueImportService } from "./services/catalogue-import.service.ts";
import { CatalogueService } from "./services/catalogue.service.ts";

/** The bundled demo catalogue imported on a first start (data/demo/README.md). */
export const DEMO_CATALOGUE = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../data/demo/catalogue.jsonl");

export interface AppOptions {
  readonly log?: Logger;
  /** Called for every SQL statement (tests count them). */
  readonly onQuery?: (sql: string) => void;
  /** Receives the bootstrap admin key when one is created (default: printed to stdout). */
  readonly onBootstrapKey?: (secret: string) => void;
}

export interface App {
  readonly config: Config;
  readonly log: Logger;
  readonly db: Database;
  readonly services: { readonly catalogue: CatalogueService; readonly apiKeys: ApiKeyService; readonly importer: CatalogueImportService };
  readonly server: Server;
  readonly health: () => Promise<HealthReport>;
  /** Listens on config.port (0 = any free port); resolves to the base URL. */
  listen(): Promise<string>;
  stop(): Promise<void>;
}

/** Opens the stores, runs first-start chores (demo import, bootstrap key) and builds the HTTP server. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const log = options.log ?? createLogger(config);
  const metrics = new Metrics();
  const db = await openDatabase({
    url: config.databaseUrl,
    embeddedDir: path.join(config.dataDir, "db"),
    onQuery: (sql) => {
      metrics.sqlQueries.inc();
      options.onQuery?.(sql);
    },
  });
  if (db.migrations.applied.length) log.info({ applied: db.migrations.applied, store: db.kind }, "migrations applied");

  const store = new PrismaCatalogueStore(db.prisma);
  const catalogue = new CatalogueService(store, { maxPageSize: config.limits.maxPageSize, defaultPageSize: 20 });
  const apiKeys = new ApiKeyService(new PrismaApiKeyStore(db.prisma));
  const importer = new CatalogueImportService(store);

  if (config.demo && (await store.countArtworks({})) === 0) {
    const t0 = Date.now();
    const summary = await importer.importFile(DEMO_CATALOGUE, { defaultSource: "demo" });
    log.info({ works: summary.created, rejected: summary.rejected.length, ms: Date.now() - t0 }, "demo catalogue imported (VITRINE_DEMO=0 skips this)");
  }
  if (db.kind === "embedded") {
    const secret = await apiKeys.ensureBootstrapKey();
    if (secret) {
      (options.onBootstrapKey ?? ((s) => process.stdout.write(`\nvitrine: created the first admin API key. It is shown only this once; keep it safe:\n\n  ${s}\n\nSend it as "Authorization: Bearer <key>". Manage keys with \`vitrine apikey\`.\n\n`)))(secret);
    }
  }

  const resolvers = new Map<Function, object>([
    [NodeResolver, new NodeResolver()],
    [ArtworkResolver, new ArtworkResolver(catalogue)],
    [ArtistResolver, new ArtistResolver(catalogue)],
    [ArtworkAdminResolver, new ArtworkAdminResolver(catalogue)],
  ]);
  const schema = buildVitrineSchema(resolvers);
  const apollo = createApollo(schema, config.limits, metrics, log);
  await apollo.start();

  const health = () =>
    checkHealth({
      store: async () => (await db.ping(), { status: "ok", kind: db.kind }),
      index: async () => ({ status: "disabled", message: "Similarity search is not built yet." }),
      model: async () => ({ status: "disabled", message: "Image embedding is not built yet." }),
    });

  const makeContext = async (req: IncomingMessage, requestId: string): Promise<GraphQLContext> => {
    const auth = req.headers.authorization;
    const bearer = auth?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const principal = bearer ? await apiKeys.authenticate(bearer) : null;
    return { requestId, principal, badCredential: Boolean(auth) && !principal, loaders: createCatalogueLoaders(store), log };
  };

  const server = createHttpServer({ apollo, makeContext, health, metrics, limits: config.limits, log });
  let stopping: Promise<void> | null = null;

  return {
    config,
    log,
    db,
    services: { catalogue, apiKeys, importer },
    server,
    health,
    listen: () =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(config.port, config.host, () => {
          const { port } = server.address() as AddressInfo;
          const host = config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host;
          resolve(`http://${host}:${port}`);
        });
      }),
    stop: () =>
      (stopping ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await apollo.stop();
        await db.close();
      })()),
  };
}
