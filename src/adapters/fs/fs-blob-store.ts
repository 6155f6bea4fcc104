/** BlobStore in a folder (VITRINE_DATA_DIR/images): `ab/cd/<sha256>`, written to a temp file then renamed. */
import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { BlobStore } from "../../ports/blob-store.port.ts";

const SHA256 = /^[0-9a-f]{64}$/;

export class FsBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  private pathOf(key: string): string {
    if (!SHA256.test(key)) throw new Error(`Not a blob key: ${key}`);
    return path.join(this.dir, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(sha256: string, bytes: Uint8Array): Promise<string> {
    const file = this.pathOf(sha256);
    if (await stat(file).then(() => true, () => false)) return sha256;
    await mkdir(path.dirname(file), { recursive: true });
    // a name of its own: two works with the same image may be stored at the same moment
    const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, file);
    return sha256;
  }

  async get(key: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(this.pathOf(key)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }
}
