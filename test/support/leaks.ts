/**
 * Text that would show a server's internals in an answer a client reads: stack frames, file paths,
 * SQL, ORM names and their messages ("Invalid `prisma.artwork.findMany()` invocation").
 */
export const LEAKS: readonly RegExp[] = [/\bat .+:\d+:\d+/, /node_modules/, /\/work\//, /\bSELECT\b/i, /\bINSERT INTO\b/i, /prisma/i, /invalid `/i, /stacktrace/i, /\.ts\b/, /\/src\//];

/** The first leak pattern a text matches, or null. */
export function leakIn(text: string): RegExp | null {
  return LEAKS.find((pattern) => pattern.test(text)) ?? null;
}
