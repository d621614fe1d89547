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

/** Writes every violation of `exploration` under `outDirectory/<name>`; returns the paths without suffix. */
export function writeCounterexamples(exploration: Exploration, name: string, outDirectory: string): string[] {
  const written: string[] = [];
  for (const violation of exploration.violations.values()) {
    const trace = traceOf(exploration, violation);
    const directory = join(outDirectory, slug(name));
    makeSubdirectory(directory);
    const base = join(directory, violation.invariant);
    writeFileSync(`${base}.txt`, `${explainTrace(trace)}\n\n${seedLog(trace)}\n`);
    writeFileSync(`${base}.mmd`, `${mermaid(trace)}\n`);
    writeFileSync(`${base}.json`, `${JSON.stringify(traceJson(trace, name), null, 2)}\n`);
    written.push(base);
  }
  return written;
}
