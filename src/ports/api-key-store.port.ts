/** Stored API credentials. Only a hash of each secret is kept. */

export type ApiKeyRole = "ADMIN" | "READER";

export interface ApiKeyRecord {
  readonly id: string;
  readonly label: string;
  readonly role: ApiKeyRole;
  /** The first characters of the secret, shown so people can tell keys apart. */
  readonly prefix: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

export interface ApiKeyStore {
  insert(key: { label: string; role: ApiKeyRole; prefix: string; hash: string }): Promise<ApiKeyRecord>;
  findActiveByHash(hash: string): Promise<ApiKeyRecord | null>;
  list(): Promise<ApiKeyRecord[]>;
  /** Marks a key revoked; false when no such key (or already revoked). */
  revoke(idOrPrefix: string): Promise<boolean>;
  countActive(): Promise<number>;
  touch(id: string, at: Date): Promise<void>;
}
