/**
 * How long one request's heavy work may take (rankings with diversity, re-weighting, grouping), all its
 * operations together: a deadline on `performance.now()`'s clock. Work that finds it spent stops with
 * QUERY_TOO_EXPENSIVE instead of holding the server.
 */
import { QueryTooExpensiveError } from "./errors.ts";

export interface TimeBudget {
  /** `performance.now()` at which the budget is spent. */
  readonly deadline: number;
  /** The whole budget, in ms (for the message). */
  readonly limitMs: number;
}

/** A budget of `limitMs` from now. */
export function timeBudget(limitMs: number): TimeBudget {
  return { deadline: performance.now() + limitMs, limitMs };
}

/** Throws QUERY_TOO_EXPENSIVE when the budget is spent. */
export function checkTimeBudget(budget: TimeBudget | undefined): void {
  if (budget && performance.now() > budget.deadline) {
    throw new QueryTooExpensiveError(
      `This request's rankings took longer than its budget of ${budget.limitMs} ms (all its operations and aliases together). Ask for fewer similar-works lists at once, a smaller \`first\`, or less \`diversity\`.`,
    );
  }
}
