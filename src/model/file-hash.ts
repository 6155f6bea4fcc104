/** SHA-256 of files, read as a stream (model files are hundreds of megabytes). */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";

/** Feeds a file's bytes into `hash` (e.g. one that already holds a download's earlier part). */
export async function hashFile(file: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
}

/** Lower-case hex SHA-256 of a file. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  await hashFile(file, hash);
  return hash.digest("hex");
}
