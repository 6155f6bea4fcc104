/**
 * Where the CMOA catalogue sample lives: `../shared/data/cmoa-catalogue.jsonl` beside the project,
 * on a developer's machine and in CI alike (`.ci/run` runs in a clone with shared/ next to it).
 * A test that needs it skips with a warning on a machine without it, but fails in CI (`CI` set),
 * where a missing sample means the checks would silently not run.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Absolute path of the CMOA sample (it may be absent). */
export const CMOA_SAMPLE = path.resolve(projectRoot, "../shared/data/cmoa-catalogue.jsonl");

/** True when the sample is there; throws in CI when it is not, so the checks never skip silently there. */
export function cmoaSampleAvailable(): boolean {
  if (existsSync(CMOA_SAMPLE)) return true;
  if (process.env.CI) throw new Error(`The CMOA sample is missing at ${CMOA_SAMPLE}; CI must run with shared/ beside the project.`);
  console.warn(`skipping the full CMOA sample checks: ${CMOA_SAMPLE} is absent`);
  return false;
}
