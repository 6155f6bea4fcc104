/** ImageFolder on a local directory (`vitrine import FILE --images DIR`): paths stay inside it. */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidInputError, NotFoundError, PayloadTooLargeError } from "../../domain/errors.ts";
import type { ImageFolder } from "../../ports/image-folder.port.ts";

/** Extensions tried for `<sourceId>.<ext>`, in this order (either case). */
export const IMAGE_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif", "avif", "heic"] as const;

export class FsImageFolder implements ImageFolder {
  private names: Map<string, string> | null = null;

  constructor(private readonly dir: string) {}

  get name(): string {
    return this.dir;
  }

  async read(relativePath: string, maxBytes: number): Promise<Uint8Array> {
    const file = this.inside(relativePath);
    const info = await stat(file).catch(() => null);
    if (!info || !info.isFile()) throw new NotFoundError(`The image file "${relativePath}" is not in ${this.dir}.`, "imagePath");
    if (info.size > maxBytes) {
      throw new PayloadTooLargeError(`The image file "${relativePath}" is ${(info.size / 1024 / 1024).toFixed(1)} MB; the limit is ${(maxBytes / 1024 / 1024).toFixed(1)} MB.`, "imagePath");
    }
    return new Uint8Array(await readFile(file));
  }

  async find(stem: string): Promise<string | null> {
    // one listing of the folder, then lookups by lower-cased name (the folder is read once per import)
    if (!this.names) {
      const entries = await readdir(this.dir, { withFileTypes: true });
      this.names = new Map(entries.filter((e) => e.isFile()).map((e) => [e.name.toLowerCase(), e.name]));
    }
    for (const ext of IMAGE_EXTENSIONS) {
      const hit = this.names.get(`${stem}.${ext}`.toLowerCase());
      if (hit) return hit;
    }
    return null;
  }

  private inside(relativePath: string): string {
    const root = path.resolve(this.dir);
    const file = path.resolve(root, relativePath);
    if (path.isAbsolute(relativePath) || !file.startsWith(root + path.sep)) {
      throw new InvalidInputError("imagePath", `"${relativePath}" is not a path inside the image folder; give it relative to ${this.dir}.`);
    }
    return file;
  }
}
