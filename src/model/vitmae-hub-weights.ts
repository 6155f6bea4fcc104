/**
 * The encoder weights of a Hugging Face ViTMAE checkpoint (`model.safetensors` of
 * ViTMAEForPreTraining: encoder tensors under `vit.`, decoder tensors ignored; a ViTMAEModel
 * checkpoint without the prefix is read too) as a VitMaeWeights source for the graph writer. Every
 * tensor the architecture needs is checked (present, F32/F16/BF16, the shape config.json implies)
 * before anything is written, and all problems are named at once.
 */
import { FLOAT_DTYPES, type SafetensorsFile } from "./safetensors.ts";
import type { VitMaeArchitecture } from "./model-manifest.ts";
import { vitMaeTensorShapes, type VitMaeWeights } from "./vitmae-graph.ts";

/** The checkpoint lacks tensors the architecture needs, or has them in another shape or dtype. */
export class CheckpointMismatchError extends Error {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super(message);
    this.name = "CheckpointMismatchError";
  }
}

/** Problems listed in full in `problems`, shortened in the message. */
const SHOWN = 8;

/**
 * Checks `file` against `arch` and returns its encoder weights; CheckpointMismatchError naming each
 * missing or misshapen tensor otherwise.
 */
export function safetensorsVitMaeWeights(file: SafetensorsFile, arch: VitMaeArchitecture): VitMaeWeights {
  const shapes = vitMaeTensorShapes(arch);
  const hasPrefix = file.entry("vit.embeddings.cls_token") !== undefined || file.entry("embeddings.cls_token") === undefined;
  const stored = (name: string): string => (hasPrefix ? name : name.slice("vit.".length));
  const problems: string[] = [];
  for (const [name, shape] of shapes) {
    const e = file.entry(stored(name));
    if (!e) problems.push(`"${stored(name)}" is missing`);
    else if (!(FLOAT_DTYPES as readonly string[]).includes(e.dtype)) problems.push(`"${stored(name)}" is ${e.dtype}, not ${FLOAT_DTYPES.join("/")}`);
    else if (e.shape.join() !== shape.join()) problems.push(`"${stored(name)}" is [${e.shape.join(", ")}]; config.json implies [${shape.join(", ")}]`);
  }
  if (problems.length > 0) {
    const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : "";
    throw new CheckpointMismatchError(
      `${file.path} does not match config.json (${problems.length} problem${problems.length === 1 ? "" : "s"}): ${problems.slice(0, SHOWN).join("; ")}${more}. ` +
        `Check that the weights and config.json come from the same repository and revision.`,
      problems,
    );
  }
  return {
    tensor(name: string): Float32Array {
      return file.readFloat32(stored(name));
    },
  };
}
