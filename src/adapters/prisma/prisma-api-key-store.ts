/** ApiKeyStore on Prisma. */
import type { PrismaClient } from "../../generated/prisma/client.ts";
import type { ApiKeyRecord, ApiKeyRole, ApiKeyStore } from "../../ports/api-key-store.port.ts";
import { isUuid } from "../../domain/uuid.ts";

function toRecord(r: { id: string; label: string; role: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }): ApiKeyRecord {
  return { id: r.id, label: r.label, role: r.role as ApiKeyRole, prefix: r.prefix, createdAt: r.createdAt, lastUsedAt: r.lastUsedAt, revokedAt: r.revokedAt };
}

export class PrismaApiKeyStore implements ApiKeyStore {
  constructor(private readonly prisma: PrismaClient) {}

  async insert(key: { label: string; role: ApiKeyRole; prefix: string; hash: string }): Promise<ApiKeyRecord> {
    return toRecord(await this.prisma.apiKey.create({ data: key }));
  }

  async findActiveByHash(hash: string): Promise<ApiKeyRecord | null> {
    const r = await this.prisma.apiKey.findFirst({ where: { hash, revokedAt: null } });
    return r ? toRecord(r) : null;
  }

  async list(): Promise<ApiKeyRecord[]> {
    return (await this.prisma.apiKey.findMany({ orderBy: { createdAt: "asc" } })).map(toRecord);
  }

  async revoke(idOrPrefix: string): Promise<boolean> {
    const where = isUuid(idOrPrefix) ? { id: idOrPrefix } : { prefix: idOrPrefix };
    const { count } = await this.prisma.apiKey.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: new Date() } });
    return count > 0;
  }

  countActive(): Promise<number> {
    return this.prisma.apiKey.count({ where: { revokedAt: null } });
  }

  async touch(id: string, at: Date): Promise<void> {
    await this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: at } });
  }
}
