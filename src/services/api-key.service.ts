/**
 * API keys: `vtr_<prefix>_<secret>` strings given to a person once; only their SHA-256 is stored.
 * Admin keys may run mutations; reader keys only identify a caller.
 */
import { createHash, randomBytes } from "node:crypto";
import type { ApiKeyRecord, ApiKeyRole, ApiKeyStore } from "../ports/api-key-store.port.ts";

export interface Principal {
  readonly keyId: string;
  readonly role: ApiKeyRole;
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export class ApiKeyService {
  private readonly lastTouched = new Map<string, number>();

  constructor(private readonly store: ApiKeyStore) {}

  /** Creates a key; the returned `secret` is never stored and cannot be shown again. */
  async create(label: string, role: ApiKeyRole): Promise<{ record: ApiKeyRecord; secret: string }> {
    const prefix = randomBytes(4).toString("hex");
    const secret = `vtr_${prefix}_${randomBytes(24).toString("base64url")}`;
    const record = await this.store.insert({ label, role, prefix, hash: hashApiKey(secret) });
    return { record, secret };
  }

  list(): Promise<ApiKeyRecord[]> {
    return this.store.list();
  }

  revoke(idOrPrefix: string): Promise<boolean> {
    return this.store.revoke(idOrPrefix);
  }

  /** Creates the first admin key when none is active; returns its secret, or null when keys exist. */
  async ensureBootstrapKey(): Promise<string | null> {
    if ((await this.store.countActive()) > 0) return null;
    return (await this.create("bootstrap admin (created at first start)", "ADMIN")).secret;
  }

  /** The caller behind a bearer secret, or null when it is unknown or revoked. */
  async authenticate(secret: string): Promise<Principal | null> {
    if (!/^vtr_[0-9a-f]{8}_[A-Za-z0-9_-]{20,64}$/.test(secret)) return null;
    const record = await this.store.findActiveByHash(hashApiKey(secret));
    if (!record) return null;
    const now = Date.now();
    if ((this.lastTouched.get(record.id) ?? 0) < now - 60_000) {
      this.lastTouched.set(record.id, now);
      await this.store.touch(record.id, new Date(now));
    }
    return { keyId: record.id, role: record.role };
  }
}
