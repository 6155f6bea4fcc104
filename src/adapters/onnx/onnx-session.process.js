// Runs one onnxruntime InferenceSession in a child process of its own for OnnxImageEncoder
// (onnx-image-encoder.ts). onnxruntime-node's session.run blocks the thread it is called on; here it
// blocks this process, so the API keeps serving requests and preparing the next batch meanwhile. A
// process rather than a worker thread: when it exits (the model rests, or onnxruntime crashes) every
// byte it held goes back to the system and the API process lives on; a thread's weights stay in the
// API process's malloc arenas after it ends (measured: half of a ViTMAE-base's 665 MB stayed).
// Plain JavaScript so that it needs no TypeScript loader (vitest, the dev runner and production all
// start it the same way).
//
// Protocol over the IPC channel (advanced serialization: typed arrays go as they are):
// { type: "load", modelPath, options } → { type: "ready", inputNames, outputNames, inputMetadata }
// or { type: "error", message }; then { type: "run", id, input, dims, data, output } →
// { type: "result", id, dtype, dims, data } or { type: "error", id, message }; { type: "close" } → exit.
import * as ort from "onnxruntime-node";

if (!process.send) throw new Error("onnx-session.process.js runs as a child process with an IPC channel");

const send = (message) => new Promise((resolve) => process.send(message, undefined, undefined, () => resolve()));

let session;
// Messages are handled one at a time: runs never overlap on the one session.
let chain = Promise.resolve();
process.on("message", (msg) => {
  chain = chain.then(() => handle(msg));
});
// the API process is gone (its channel closed): nothing will ask for runs any more
process.on("disconnect", () => process.exit(0));

async function handle(msg) {
  if (msg.type === "load") {
    try {
      session = await ort.InferenceSession.create(msg.modelPath, msg.options);
      await send({ type: "ready", inputNames: session.inputNames, outputNames: session.outputNames, inputMetadata: session.inputMetadata });
    } catch (e) {
      await send({ type: "error", message: e instanceof Error ? e.message : String(e) });
      process.exit(1);
    }
    return;
  }
  if (msg.type === "close") {
    await session?.release();
    process.exit(0);
  }
  if (msg.type !== "run") return;
  try {
    const out = (await session.run({ [msg.input]: new ort.Tensor("float32", msg.data, msg.dims) }))[msg.output];
    await send({ type: "result", id: msg.id, dtype: out.type, dims: out.dims, data: out.data });
  } catch (e) {
    await send({ type: "error", id: msg.id, message: e instanceof Error ? e.message : String(e) });
  }
}
