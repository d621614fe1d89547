/**
 * The Codex part of `--impl` (cli/implementation/spec.ts): `codex:<version>` (a release from npm) or
 * `codex:<path>` (a binary on disk, codex/local.ts), parsed purely apart from one stat; cli/implementation/
 * open.ts opens it (fetched, or checked to answer `--version`). A local binary is judged by the design
 * `--variant` names, or by none.
 */
import { parseCodexTarget } from "../codex/local.js";
import type { Variant } from "../model/vocabulary.js";
import { UsageError } from "./command.js";

export type CodexChoice = { codexVersion: string } | { codexPath: string; design: Variant | null };

/** `rest` is what follows `codex:` in `spec`; a bad version or path is a UsageError naming it. */
export function parseCodexSpec(spec: string, rest: string): CodexChoice {
  const parsed = parseCodexTarget(rest);
  if (!parsed.ok) throw new UsageError(`--impl '${spec}': ${parsed.problem}`);
  const { target } = parsed;
  return target.kind === "version"
    ? { codexVersion: target.version }
    : { codexPath: target.path, design: null };
}
