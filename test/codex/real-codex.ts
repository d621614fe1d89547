/**
 * Shared set-up of the tests that run real Codex binaries: fetch (cached in .cache/codex) before the tests,
 * and fail, not skip, when the binary cannot be had, unless AUTHRACE_SKIP_CODEX=1 says to skip. The runs go
 * through the one scenario runner (scenarios/), with `CodexImplementation` as the process factory.
 */
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import {
  type CodexImplementation,
  type PrepareOptions,
  prepareCodexImplementation,
} from "../../codex/implementation.js";
import { CODEX_LIMITS } from "../../codex/limits.js";
import {
  describePost,
  type PhaseReport,
  type ReplyReport,
  type RunObserver,
  runScenario,
  type ScenarioName,
  type ScenarioReport,
} from "../../scenarios/index.js";

export const SKIP_REAL_CODEX = process.env.AUTHRACE_SKIP_CODEX === "1";

/** A first download may take minutes; a cached one well under a second. */
const FETCH_TIMEOUT_MS = CODEX_LIMITS.npmPackTimeoutMs * CODEX_LIMITS.downloadAttemptsMax;

/** Registers the fetch (and closing the relays afterwards); the returned function gives the implementation. */
export function useRealCodex(version: string, options: PrepareOptions = {}): () => CodexImplementation {
  let implementation: CodexImplementation | undefined;
  beforeAll(async () => {
    const prepared = await prepareCodexImplementation(version, options);
    if (!prepared.ok) {
      throw new Error(
        `Codex ${version} cannot be had (${prepared.failure.kind}): ${prepared.failure.message}. ` +
          "Set AUTHRACE_SKIP_CODEX=1 to skip the real-binary tests.",
      );
    }
    implementation = prepared.implementation;
  }, FETCH_TIMEOUT_MS);
  afterAll(() => implementation?.close());
  return () => {
    if (!implementation) throw new Error(`Codex ${version} was not fetched`);
    return implementation;
  };
}

/** Runs one scenario; a failed run throws its message (a crash reads as a crash, with where the logs are). */
export async function runOnCodex(
  implementation: CodexImplementation,
  scenario: ScenarioName,
): Promise<ScenarioReport> {
  const result = await runScenario(scenario, implementation);
  if (!result.ok) throw new Error(`${scenario} on ${implementation.name} failed: ${result.failure.message}`);
  return result.report;
}

/** `R0 200, R0 401 refresh_token_reused`: the POSTs of the given phases, or of the whole run, startup included. */
export function postSequence(posts: Pick<ScenarioReport, "posts">): string {
  return posts.posts.map(describePost).join(", ");
}

export function phase(report: ScenarioReport, name: string): PhaseReport {
  const phases = report.phases ?? [];
  const found = phases.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no phase '${name}' in ${phases.map((p) => p.name).join(", ")}`);
  return found;
}

/** What app-server answered: `at-R1`, or `null (poisoned)` for a withheld snapshot. */
export function answer(reply: ReplyReport | undefined): string {
  if (reply === undefined) return "no reply";
  return `${reply.returned.shown ?? "null"}${reply.poisoned ? " (poisoned)" : ""}`;
}

/**
 * An observer that reads one process's stderr log (codex/driver.ts: `<parent of CODEX_HOME>/codex-logs`), where
 * Codex writes its own `codex_core::auth` lines, before the run removes it.
 */
export function stderrLogReader(process: string): { observer: RunObserver; log: () => string } {
  let codexHome = "";
  let text = "";
  const observer: RunObserver = {
    onRequest: () => undefined,
    opened: (world) => {
      codexHome = world.codexHome;
    },
    started: (_name, started) => started,
    async closing() {
      text = await readFile(join(dirname(codexHome), "codex-logs", `${process}.stderr.log`), "utf8");
    },
  };
  return { observer, log: () => text };
}
