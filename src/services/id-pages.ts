/** Pages of ids from a source that lists ids after a given one (the catalogue, a vector collection). */
export async function* idPages(list: (after: string | null, limit: number) => Promise<string[]>, size = 1000): AsyncGenerator<string[]> {
  for (let after: string | null = null; ; ) {
    const ids = await list(after, size);
    if (ids.length === 0) return;
    yield ids;
    after = ids[ids.length - 1];
  }
}
