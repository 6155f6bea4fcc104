/** `vitrine apikey create|list|revoke`: manage API keys (only their hashes are stored). */
import type { Command } from "commander";
import path from "node:path";
import type { Config } from "../../config/config.ts";
import type { ApiKeyRole } from "../../ports/api-key-store.port.ts";
import type { ApiKeyService } from "../../services/api-key.service.ts";

async function withKeys<T>(config: Config, fn: (keys: ApiKeyService) => Promise<T>): Promise<T> {
  const [{ openDatabase }, { PrismaApiKeyStore }, { ApiKeyService }] = await Promise.all([
    import("../../adapters/prisma/database.ts"),
    import("../../adapters/prisma/prisma-api-key-store.ts"),
    import("../../services/api-key.service.ts"),
  ]);
  const db = await openDatabase({ url: config.databaseUrl, embeddedDir: path.join(config.dataDir, "db") });
  try {
    return await fn(new ApiKeyService(new PrismaApiKeyStore(db.prisma)));
  } finally {
    await db.close();
  }
}

export function registerApiKeyCommands(program: Command, getConfig: () => Config): void {
  const apikey = program.command("apikey").description("Create, list or revoke API keys");
  apikey
    .command("create")
    .description("Create a key and print it once")
    .option("--label <text>", "who or what the key is for", "created with vitrine apikey")
    .option("--role <role>", "ADMIN (may run mutations) or READER", "ADMIN")
    .action(async (opts: { label: string; role: string }) => {
      const role = opts.role.toUpperCase();
      if (role !== "ADMIN" && role !== "READER") throw new Error(`--role must be ADMIN or READER; got ${opts.role}.`);
      const { record, secret } = await withKeys(getConfig(), (k) => k.create(opts.label, role as ApiKeyRole));
      process.stdout.write(`${secret}\n`);
      process.stderr.write(`Created ${record.role} key ${record.prefix} (${record.label}). It is shown only this once.\n`);
    });
  apikey
    .command("list")
    .description("List keys (prefix, role, label, dates); secrets are never shown")
    .action(async () => {
      const keys = await withKeys(getConfig(), (k) => k.list());
      for (const k of keys) {
        process.stdout.write(
          `${k.prefix}  ${k.role.padEnd(6)}  ${k.revokedAt ? "revoked " + k.revokedAt.toISOString() : "active"}  created ${k.createdAt.toISOString()}  last used ${k.lastUsedAt?.toISOString() ?? "never"}  ${k.label}\n`,
        );
      }
      if (keys.length === 0) process.stderr.write("No keys yet. Create one with `vitrine apikey create`.\n");
    });
  apikey
    .command("revoke <idOrPrefix>")
    .description("Revoke a key by its id or its 8-character prefix")
    .action(async (idOrPrefix: string) => {
      const ok = await withKeys(getConfig(), (k) => k.revoke(idOrPrefix));
      if (!ok) {
        process.stderr.write(`No active key ${idOrPrefix}.\n`);
        process.exitCode = 1;
      } else process.stderr.write(`Revoked ${idOrPrefix}.\n`);
    });
}
