/**
 * The Codex part of `--impl`: `codex:<version>` (a release from npm) or `codex:<path>` (a binary on disk,
 * codex/local.ts), parsed purely apart from one stat, and opened (fetched, or checked to answer
 * `--version`). A local binary is judged by the design `--variant` names, or by none.
 */
import {
  type PrepareResult,
  prepareCodexImplementation,
  prepareLocalCodexImplementation,
} from "../codex/implementation.js";
import { parseCodexTarget } from "../codex/local.js";
import { describeBinary } from "../codex/report.js";
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

/**
 * Fetches a release (cached) or checks a local binary. Text mode says what it is and how processes are kept
 * on loopback; a binary that cannot be had is reported on stderr either way.
 */
export async function openCodexChoice(
  commandName: string,
  choice: CodexChoice,
  json: boolean,
): Promise<PrepareResult> {
  const what = "codexPath" in choice ? choice.codexPath : choice.codexVersion;
  if (!json && "codexVersion" in choice) {
    console.error(`authrace ${commandName}: fetching Codex ${what} (cached after the first time)...`);
  }
  const prepared =
    "codexPath" in choice
      ? await prepareLocalCodexImplementation(choice.codexPath, choice.design)
      : await prepareCodexImplementation(choice.codexVersion);
  if (!prepared.ok) {
    const { kind, message } = prepared.failure;
    console.error(`authrace ${commandName}: cannot use Codex ${what}: ${kind}: ${message}`);
  } else if (!json) {
    const { binary, variant, network } = prepared.implementation;
    console.log(`${describeBinary(binary, variant)}\n${network}\n`);
  }
  return prepared;
}
