/** Works, artists and images are identified by UUIDs (any case, hyphenated). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether `value` is a hyphenated UUID. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
