/**
 * Recognises a unique-constraint violation and which constraint it names, whichever way the driver
 * reports it: Prisma's P2002 (`meta.target`: the columns or the index name; through a driver adapter,
 * `meta.driverAdapterError.cause.constraint`), or, from the PGlite adapter, which does not map
 * PostgreSQL's errors, a DriverAdapterError whose cause is PostgreSQL's 23505 (the constraint's name
 * is in its message).
 */

interface AdapterCause {
  readonly kind?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly constraint?: { readonly fields?: unknown; readonly index?: unknown };
}

/** The columns (or index name) of the unique constraint `error` reports as violated; null for any other error. */
export function uniqueViolationTarget(error: unknown): string[] | null {
  if (typeof error !== "object" || error === null) return null;
  const names: string[] = [];
  const add = (x: unknown) => {
    if (typeof x === "string") names.push(x);
    else if (Array.isArray(x)) for (const s of x) if (typeof s === "string") names.push(s);
  };
  const fromCause = (cause: AdapterCause | undefined) => {
    add(cause?.constraint?.fields);
    add(cause?.constraint?.index);
    const quoted = typeof cause?.message === "string" ? /unique constraint "([^"]+)"/.exec(cause.message) : null;
    if (quoted) names.push(quoted[1]);
  };
  if ((error as { code?: unknown }).code === "P2002") {
    const meta = (error as { meta?: Record<string, unknown> }).meta ?? {};
    add(meta.target);
    fromCause((meta.driverAdapterError as { cause?: AdapterCause } | undefined)?.cause);
    return names;
  }
  const cause = (error as { cause?: AdapterCause }).cause;
  if ((error as { name?: unknown }).name === "DriverAdapterError" && cause && (cause.code === "23505" || cause.kind === "UniqueConstraintViolation")) {
    fromCause(cause);
    return names;
  }
  return null;
}

/**
 * Whether `error` is a violation of the unique constraint over exactly these columns (in the
 * schema's order), named by its columns or by PostgreSQL's default index name `<Model>_<cols>_key`.
 */
export function violatesUnique(error: unknown, model: string, columns: readonly string[]): boolean {
  const target = uniqueViolationTarget(error);
  if (!target) return false;
  const index = `${model}_${columns.join("_")}_key`;
  const unquoted = target.map((t) => t.replace(/"/g, ""));
  return unquoted.includes(index) || (unquoted.length === columns.length && columns.every((c) => unquoted.includes(c)));
}
