/** Where image bytes live, addressed by their SHA-256 (equal images are stored once). */
export interface BlobStore {
  /** Stores bytes under their hash; returns the storage key. Idempotent. */
  put(sha256: string, bytes: Uint8Array): Promise<string>;
  /** The bytes under a key, or null when they are gone. */
  get(key: string): Promise<Uint8Array | null>;
}
