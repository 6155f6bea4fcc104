/** A folder of image files named by the rows of a catalogue import (`vitrine import --images DIR`). */

export interface ImageFolder {
  /** A human-readable name of the folder, for messages. */
  readonly name: string;
  /**
   * The bytes of a file given by a path relative to the folder. Throws a domain error (with a message
   * a person can act on) when the path leaves the folder, the file is missing, or it is over `maxBytes`.
   */
  read(relativePath: string, maxBytes: number): Promise<Uint8Array>;
  /** The relative path of the first file named `<stem>.<ext>` for an image extension, or null. */
  find(stem: string): Promise<string | null>;
}
