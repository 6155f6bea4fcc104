/**
 * Gives back the connection of a transaction whose COMMIT or ROLLBACK failed.
 *
 * Prisma's client engine ends an interactive transaction by sending COMMIT (or ROLLBACK) and only then
 * calling the adapter's `commit()` / `rollback()`, which is what returns the connection to pg's pool.
 * When that last statement fails, as it does on a connection PostgreSQL has just terminated, the engine
 * never calls them: the pool keeps the dead connection checked out for good. Measured under
 * `pg_terminate_backend` (fault drill c): after a few seconds all ten connections were held that way
 * and every later request waited forever for one.
 *
 * The decorated transaction releases its connection itself when its closing statement fails. A
 * connection that failed is not queryable, and pg's pool discards it instead of reusing it; a COMMIT
 * refused on a live connection (a serialization failure) has ended the transaction in PostgreSQL, so
 * the connection is clean. The statement's error still reaches Prisma, which reports it.
 */
import type { SqlQuery, Transaction } from "@prisma/driver-adapter-utils";

const CLOSING = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

export function releasingOnFailedEnd<T extends Transaction>(tx: T): T {
  const executeRaw = tx.executeRaw.bind(tx);
  tx.executeRaw = async (query: SqlQuery) => {
    try {
      return await executeRaw(query);
    } catch (error) {
      if (CLOSING.test(query.sql)) await tx.rollback().catch(() => {}); // returns the connection to the pool
      throw error;
    }
  };
  return tx;
}
