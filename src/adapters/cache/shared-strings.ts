/**
 * One copy of each string value: rows read from a database or a snapshot carry their own copy of values
 * that repeat across thousands of them (a department, a medium, an artist's id, the embedding version).
 * Kept where many such rows stay in memory (the row cache, the embedded index's payloads).
 */
export class SharedStrings {
  private readonly values = new Map<string, string>();

  /** `max`: distinct values kept at most; when full, the table starts again (strings already shared stay so). */
  constructor(private readonly max = Infinity) {}

  /** The one copy of `value` (this one, the first time it is seen). */
  share(value: string): string {
    const known = this.values.get(value);
    if (known !== undefined) return known;
    if (this.values.size >= this.max) this.values.clear();
    this.values.set(value, value);
    return value;
  }

  clear(): void {
    this.values.clear();
  }
}
