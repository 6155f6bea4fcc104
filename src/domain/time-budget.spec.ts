import { describe, expect, it } from "vitest";
import { QueryTooExpensiveError } from "./errors.ts";
import { INDEX_CALLS_AT_ONCE, timeBudget } from "./time-budget.ts";

/** A call that stays open until `release` is called. */
function heldCall(log: { running: number; most: number }) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  const call = async () => {
    log.running++;
    log.most = Math.max(log.most, log.running);
    await done;
    log.running--;
    return "answered";
  };
  return { call, release };
}

describe("a request's share of the vector index", () => {
  it("should let one request have only a few index calls in flight, however many aliases it has", async () => {
    const budget = timeBudget(60_000);
    const log = { running: 0, most: 0 };
    const calls = Array.from({ length: 20 }, () => heldCall(log));
    const answers = calls.map((c) => budget.turn(c.call));
    await new Promise((r) => setImmediate(r));
    expect(log.running).toBe(INDEX_CALLS_AT_ONCE);
    for (const c of calls) c.release();
    expect(await Promise.all(answers)).toEqual(Array(20).fill("answered"));
    expect(log.most).toBe(INDEX_CALLS_AT_ONCE);
  });

  it("should refuse a call whose turn comes after the request's deadline, and never run it", async () => {
    const budget = timeBudget(5);
    const log = { running: 0, most: 0 };
    const first = Array.from({ length: INDEX_CALLS_AT_ONCE }, () => heldCall(log));
    const inFlight = first.map((c) => budget.turn(c.call));
    let ran = false;
    const late = budget.turn(async () => ((ran = true), "answered"));
    await new Promise((r) => setTimeout(r, 20)); // the deadline passes while it waits its turn
    for (const c of first) c.release();
    await expect(Promise.all(inFlight)).resolves.toEqual(Array(INDEX_CALLS_AT_ONCE).fill("answered"));
    await expect(late).rejects.toBeInstanceOf(QueryTooExpensiveError);
    expect(ran).toBe(false);
  });

  it("should still answer a request's first calls after its deadline: only waiting behind itself is refused", async () => {
    const budget = timeBudget(0);
    await new Promise((r) => setTimeout(r, 2));
    await expect(budget.turn(async () => "answered")).resolves.toBe("answered");
  });
});
