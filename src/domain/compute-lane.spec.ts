import { describe, expect, it } from "vitest";
import { ComputeLane } from "./compute-lane.ts";

/** A task of `n` steps that records each as `label` + step number. */
function counted(log: string[], label: string, n: number): () => boolean {
  let i = 0;
  return () => {
    log.push(`${label}${++i}`);
    return i < n;
  };
}

describe(ComputeLane.name, () => {
  it("should run a task's steps until it says it is done", async () => {
    const log: string[] = [];
    await new ComputeLane().run(counted(log, "a", 5));
    expect(log).toEqual(["a1", "a2", "a3", "a4", "a5"]);
  });

  it("should give waiting tasks their slices in turn", async () => {
    const log: string[] = [];
    const lane = new ComputeLane({ sliceMs: 0, maxTurnMs: 0 }); // a slice of 0 ms is one step, a turn one slice
    await Promise.all([lane.run(counted(log, "a", 3)), lane.run(counted(log, "b", 2)), lane.run(counted(log, "c", 3))]);
    expect(log).toEqual(["a1", "b1", "c1", "a2", "b2", "c2", "a3", "c3"]);
  });

  it("should let the event loop turn between any two slices, however many tasks wait", async () => {
    const log: string[] = [];
    const lane = new ComputeLane({ sliceMs: 0, maxTurnMs: 0 });
    let running = true;
    const probe = (): void => {
      log.push("turn");
      if (running) setImmediate(probe);
    };
    setImmediate(probe);
    await Promise.all(Array.from({ length: 20 }, (_, t) => lane.run(counted(log, `t${t}.`, 5))));
    running = false;
    // each task yielding on its own would run all 20 tasks' slices in one turn
    let inARow = 0;
    let most = 0;
    for (const entry of log) {
      inARow = entry === "turn" ? 0 : inARow + 1;
      most = Math.max(most, inARow);
    }
    expect(log.filter((e) => e !== "turn")).toHaveLength(100);
    expect(most).toBe(1);
  });

  it("should end a task with what its check before a slice throws, and go on with the others", async () => {
    const log: string[] = [];
    const lane = new ComputeLane({ sliceMs: 0, maxTurnMs: 0 });
    let checks = 0;
    const stopped = lane.run(counted(log, "a", 10), () => {
      if (++checks === 2) throw new RangeError("out of time");
    });
    const other = lane.run(counted(log, "b", 4));
    await expect(stopped).rejects.toThrow("out of time");
    await other;
    expect(log.filter((e) => e.startsWith("a"))).toEqual(["a1", "a2"]);
    expect(log.filter((e) => e.startsWith("b"))).toEqual(["b1", "b2", "b3", "b4"]);
    expect(lane.waiting).toBe(0);
  });

  it("should end a task whose step throws, and go on with the others", async () => {
    const lane = new ComputeLane({ sliceMs: 0, maxTurnMs: 0 });
    const log: string[] = [];
    const failing = lane.run(() => {
      throw new TypeError("bad vector");
    });
    const other = lane.run(counted(log, "b", 2));
    await expect(failing).rejects.toThrow("bad vector");
    await other;
    expect(log).toEqual(["b1", "b2"]);
  });

  it("should take as long a turn as the rest of the event loop took since its last one, within its bounds", async () => {
    let clock = 0;
    const steps: number[] = [];
    let inTurn = 0;
    const lane = new ComputeLane({ sliceMs: 2, maxTurnMs: 6, now: () => clock });
    // each step costs 1 ms of the fake clock; between the lane's turns, the probe spends `other` ms
    let other = 0;
    let running = true;
    const probe = (): void => {
      if (inTurn > 0) steps.push(inTurn);
      inTurn = 0;
      clock += other;
      if (running) setImmediate(probe);
    };
    setImmediate(probe);
    const task = (n: number) => {
      let i = 0;
      return () => {
        clock += 1;
        inTurn++;
        return ++i < n;
      };
    };
    other = 0; // nothing else to do: one slice a turn (2 steps)
    await lane.run(task(6));
    other = 4; // 4 ms elsewhere: 4 ms turns, in two tasks' slices
    await Promise.all([lane.run(task(12)), lane.run(task(12))]);
    other = 30; // busy elsewhere: the turn is capped at 6 ms
    await lane.run(task(18));
    running = false;
    expect(steps.slice(0, 3)).toEqual([2, 2, 2]);
    expect(steps.slice(4, 9)).toEqual([4, 4, 4, 4, 4]);
    expect(steps.slice(-2)).toEqual([6, 6]);
  });
});
