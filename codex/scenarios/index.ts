/** The Codex scenarios and running one against a fetched binary. */

import { expectedVerdict } from "../expected.js";
import type { CodexBinary } from "../fetch.js";
import { variantForVersion } from "../versions.js";
import { simultaneous } from "./simultaneous.js";
import { staleCache } from "./stale-cache.js";
import { type ScenarioName, type ScenarioOutcome, type ScenarioResult, verdictOf } from "./types.js";
import { type CodexWorld, type NetworkChoice, openCodexWorld } from "./world.js";

export const CODEX_SCENARIOS = { "stale-cache": staleCache, simultaneous } as const;

export interface RunOptions {
  /** `auto` (default): a network namespace per process where `unshare -n` works; `loopback-config`: never. */
  network?: NetworkChoice;
}

export async function runCodexScenario(
  binary: CodexBinary,
  name: ScenarioName,
  options: RunOptions = {},
): Promise<ScenarioResult> {
  const scenario = CODEX_SCENARIOS[name];
  const startedAt = Date.now();
  const label = `${binary.version.text}-${name}`;
  let world: CodexWorld;
  try {
    world = await openCodexWorld(binary.binaryPath, label, scenario.serverOptions, options.network ?? "auto");
  } catch (error) {
    const failure = `cannot set up the token server and home: ${String(error)}`;
    return resultOf(binary, name, { status: "failed", phases: [], failure }, "not set up", null, startedAt);
  }
  let outcome: ScenarioOutcome;
  try {
    outcome = await scenario.run(world);
  } catch (error) {
    const failure = `programmer error: ${error instanceof Error ? error.stack : String(error)}`;
    outcome = { status: "failed", phases: [], failure };
  }
  const keepLogs = outcome.status === "failed";
  await world.close(keepLogs);
  const logs = keepLogs ? world.home.logsDirectory : null;
  return resultOf(binary, name, outcome, world.network, logs, startedAt);
}

function resultOf(
  binary: CodexBinary,
  name: ScenarioName,
  outcome: ScenarioOutcome,
  network: string,
  logs: string | null,
  startedAt: number,
): ScenarioResult {
  const posts = outcome.phases.flatMap((phase) => phase.posts);
  const staleSends = posts.filter((post) => post.staleSend).length;
  const variant = variantForVersion(binary.version);
  return {
    ...outcome,
    scenario: name,
    implementation: `codex:${binary.version.text}`,
    variant,
    posts: posts.length,
    staleSends,
    verdict: outcome.status === "completed" ? verdictOf(staleSends) : null,
    expected: expectedVerdict(variant, name),
    network,
    logs,
    durationMs: Date.now() - startedAt,
  };
}

export type { ScenarioName, ScenarioResult } from "./types.js";
export { isScenarioName, SCENARIO_NAMES } from "./types.js";
