/**
 * The embedded index's thread (see ThreadedVectorIndex): owns the opened UsearchVectorIndex
 * instances of this process, each under a handle, and answers the main thread's calls, one message
 * per VectorIndex method call.
 */
import { parentPort } from "node:worker_threads";
import type { VectorIndex } from "../../ports/vector-index.port.ts";
import { UsearchVectorIndex, type EmbeddedIndexOptions } from "./usearch-vector-index.ts";
import { packVectors } from "./vector-packing.ts";

/** A call from the main thread: open a folder (answered with a handle), or a method of an opened index. */
export type IndexRequest = { readonly method: "open"; readonly options: EmbeddedIndexOptions } | { readonly method: keyof VectorIndex; readonly handle: number; readonly args: unknown[] };
export type IndexCall = IndexRequest & { readonly id: number };

/** The answer: the result, or the error's class name and message. */
export type IndexAnswer =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: { readonly name: string; readonly message: string; readonly code?: string } };

const port = parentPort;
if (!port) throw new Error("index-thread.ts runs in a worker thread only.");

const opened = new Map<number, UsearchVectorIndex>();
let nextHandle = 1;

async function answer(call: IndexCall): Promise<unknown> {
  if (call.method === "open") {
    const index = await UsearchVectorIndex.open(call.options);
    const handle = nextHandle++;
    opened.set(handle, index);
    return handle;
  }
  const index = opened.get(call.handle);
  if (!index) throw new Error("The vector index is closed.");
  const result = await (index[call.method] as (...args: unknown[]) => Promise<unknown>).apply(index, call.args);
  if (call.method === "close") opened.delete(call.handle);
  return result;
}

port.on("message", (call: IndexCall) => {
  answer(call).then(
    (result) => port.postMessage({ id: call.id, result } satisfies IndexAnswer, packVectors(result)),
    (e: unknown) => port.postMessage({ id: call.id, error: e instanceof Error ? { name: e.name, message: e.message, code: (e as NodeJS.ErrnoException).code } : { name: "Error", message: String(e) } } satisfies IndexAnswer),
  );
});
