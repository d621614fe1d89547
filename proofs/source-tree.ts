/**
 * Files the proofs read and write in the source tree (theorems.json, docs/spec.md), found from this module's
 * own place so that it works from proofs/ (vitest) and from dist/proofs/ (the built CLI) alike.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/** The repository root: one level above proofs/, two above dist/proofs/. */
export const repositoryRoot = here.endsWith(join("dist", "proofs"))
  ? join(here, "..", "..")
  : join(here, "..");

export function sourcePath(...parts: string[]): string {
  return join(repositoryRoot, ...parts);
}
