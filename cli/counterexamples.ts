/**
 * Writing counterexamples as files (shared by `verify` and `check`): per violated invariant, the numbered
 * steps with the seed-style log (.txt), the Mermaid diagram (.mmd) and the replayable trace (.json), in a
 * directory named after the theorem or configuration.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Exploration } from "../proofs/explorer.js";
import { explainTrace, mermaid, seedLog, traceJson } from "../proofs/render.js";
import { traceOf } from "../proofs/trace.js";
import { makeSubdirectory } from "./output-directory.js";

function slug(name: string): string {
  return name.replace(/[/:+]/g, "_");
}

/** One counterexample written: its path without suffix, and the story its .txt holds. */
export interface WrittenCounterexample {
  path: string;
  /** The numbered steps and the seed-style log. */
  story: string;
}

/** Writes every violation of `exploration` under `outDirectory/<name>`. */
export function writeCounterexamples(
  exploration: Exploration,
  name: string,
  outDirectory: string,
): WrittenCounterexample[] {
  const written: WrittenCounterexample[] = [];
  for (const violation of exploration.violations.values()) {
    const trace = traceOf(exploration, violation);
    const directory = join(outDirectory, slug(name));
    makeSubdirectory(directory);
    const path = join(directory, violation.invariant);
    const story = `${explainTrace(trace)}\n\n${seedLog(trace)}`;
    writeFileSync(`${path}.txt`, `${story}\n`);
    writeFileSync(`${path}.mmd`, `${mermaid(trace)}\n`);
    writeFileSync(`${path}.json`, `${JSON.stringify(traceJson(trace, name), null, 2)}\n`);
    written.push({ path, story });
  }
  return written;
}
