import { describe, expect, it } from "vitest";
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

  it("should answer a request's index calls after its deadline too: only heavy rankings are refused for time", async () => {
    const budget = timeBudget(0);
    await new Promise((r) => setTimeout(r, 2));
    const answers = await Promise.all(Array.from({ length: 5 }, () => budget.turn(async () => "answered")));
    expect(answers).toEqual(Array(5).fill("answered"));
  });
});
