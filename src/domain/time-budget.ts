/**
 * One request's share of the heavy work (rankings with diversity, re-weighting, grouping; every
 * call to the vector index), all its operations and aliases together:
 * - a deadline on `performance.now()`'s clock: work that finds it spent stops with
 *   QUERY_TOO_EXPENSIVE instead of holding the server;
 * - turns at the vector index: at most INDEX_CALLS_AT_ONCE of the request's index calls at a time, so
 *   a request with 200 aliases queues behind itself, not in front of every other client (the index
 *   answers calls in the order they come, on one thread). The heavy rankings check the deadline
 *   themselves (a plain list is priced by the cost limit and never refused for time).
 */
import pLimit from "p-limit";
import { QueryTooExpensiveError } from "./errors.ts";

/** One request's index calls in flight at once. */
export const INDEX_CALLS_AT_ONCE = 2;

export interface TimeBudget {
  /** `performance.now()` at which the budget is spent. */
  readonly deadline: number;
  /** The whole budget, in ms (for the message). */
  readonly limitMs: number;
  /** Runs one index call of the request in its turn (see the header). */
  turn<T>(call: () => Promise<T>): Promise<T>;
}

/** A budget of `limitMs` from now. */
export function timeBudget(limitMs: number): TimeBudget {
  const turns = pLimit(INDEX_CALLS_AT_ONCE);
  return { deadline: performance.now() + limitMs, limitMs, turn: (call) => turns(call) };
}

/** Runs an index call in the request's turn (without a budget: at once). */
export function inTurn<T>(budget: TimeBudget | undefined, call: () => Promise<T>): Promise<T> {
  return budget ? budget.turn(call) : call();
}

/** Throws QUERY_TOO_EXPENSIVE when the budget is spent. */
export function checkTimeBudget(budget: TimeBudget | undefined): void {
  if (budget && performance.now() > budget.deadline) {
    throw new QueryTooExpensiveError(
      `This request's rankings took longer than its budget of ${budget.limitMs} ms (all its operations and aliases together). Ask for fewer similar-works lists at once, a smaller \`first\`, or less \`diversity\`.`,
    );
  }
}
