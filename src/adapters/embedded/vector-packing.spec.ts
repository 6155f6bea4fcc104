import { describe, expect, it } from "vitest";
import { packVectors } from "./vector-packing.ts";

const hit = (id: string, values: number[]) => ({ id, score: 0.5, payload: { artistKeys: [] }, vector: Float32Array.from(values) });

describe(packVectors.name, () => {
  it("should put every vector of hits, a near result and groups into one buffer, each vector unchanged as a view of it", () => {
    const near = { vector: Float32Array.from([9, 9]), hits: [hit("a", [1, 2]), hit("b", [3, 4])] };
    const groups = [{ key: "g", hits: [hit("c", [5, 6])] }];
    const answers: unknown[] = [near, groups, [hit("d", [7, 8]), hit("e", [0, 1])]];
    for (const answer of answers) {
      const before = JSON.stringify(answer, (_, v) => (v instanceof Float32Array ? [...v] : v));
      const transfer = packVectors(answer);
      expect(JSON.stringify(answer, (_, v) => (v instanceof Float32Array ? [...v] : v))).toBe(before);
      const holders = answer === near ? [near, ...near.hits] : answer === groups ? groups[0].hits : (answer as { vector: Float32Array }[]);
      if (holders.length < 2) {
        expect(transfer).toEqual([]);
        continue;
      }
      expect(transfer).toHaveLength(1);
      for (const h of holders) expect(h.vector.buffer).toBe(transfer[0]);
    }
  });

  it("should leave answers without vectors, or with one, as they are", () => {
    expect(packVectors([{ id: "a", score: 1, payload: {} }])).toEqual([]);
    expect(packVectors(null)).toEqual([]);
    expect(packVectors(3)).toEqual([]);
    const one = [hit("a", [1])];
    const v = one[0].vector;
    expect(packVectors(one)).toEqual([]);
    expect(one[0].vector).toBe(v);
  });

  it("should survive being posted with its buffer handed over: the receiver reads every vector", async () => {
    const { port1, port2 } = new MessageChannel();
    const answer = [hit("a", [1, 2, 3]), hit("b", [4, 5, 6])];
    const received = new Promise<{ vector: Float32Array }[]>((resolve) => {
      port2.onmessage = (e) => resolve(e.data as { vector: Float32Array }[]);
    });
    port1.postMessage(answer, packVectors(answer));
    const got = await received;
    port1.close();
    port2.close();
    expect(got.map((h) => [...h.vector])).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(answer[0].vector.length).toBe(0); // handed over: the sender's views are detached
  });
});
