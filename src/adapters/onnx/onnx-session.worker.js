// Runs one onnxruntime InferenceSession on a worker thread for OnnxImageEncoder (onnx-image-encoder.ts).
// onnxruntime-node's session.run blocks the thread it is called on; here it blocks this worker, so the
// main thread keeps serving requests and preprocessing the next batch meanwhile.
// Plain JavaScript so that a worker needs no TypeScript loader (vitest, the dev runner and
// production all start it the same way).
//
// Protocol: workerData { modelPath, options } → { type: "ready", inputNames, outputNames, inputMetadata }
// or { type: "error", message }; then { type: "run", id, input, dims, data, output } →
// { type: "result", id, dtype, dims, data } or { type: "error", id, message }; { type: "close" } → exit.
import { parentPort, workerData } from "node:worker_threads";
import * as ort from "onnxruntime-node";

const port = parentPort;
if (!port) throw new Error("onnx-session.worker.js must run as a worker thread");

let session;
try {
  session = await ort.InferenceSession.create(workerData.modelPath, workerData.options);
  port.postMessage({
    type: "ready",
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    inputMetadata: session.inputMetadata,
  });
} catch (e) {
  port.postMessage({ type: "error", message: e instanceof Error ? e.message : String(e) });
  port.close();
}

// Messages are handled one at a time: runs never overlap on the one session.
let chain = Promise.resolve();
port.on("message", (msg) => {
  chain = chain.then(() => handle(msg));
});

async function handle(msg) {
  if (msg.type === "close") {
    await session?.release();
    port.close();
    return;
  }
  if (msg.type !== "run") return;
  try {
    const out = (await session.run({ [msg.input]: new ort.Tensor("float32", msg.data, msg.dims) }))[msg.output];
    const reply = { type: "result", id: msg.id, dtype: out.type, dims: out.dims, data: out.data };
    try {
      port.postMessage(reply, [out.data.buffer]);
    } catch {
      port.postMessage(reply); // not transferable (external memory): copy instead
    }
  } catch (e) {
    port.postMessage({ type: "error", id: msg.id, message: e instanceof Error ? e.message : String(e) });
  }
}
