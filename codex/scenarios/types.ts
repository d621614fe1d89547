/**
 * Shapes of a real-process scenario run. The scenario steps only need processes that answer the driver
 * verbs and a token server that records requests, so they are written against `ScenarioProcess` and can
 * run any implementation; `world.ts` supplies real Codex app-servers.
 */

import type { DriverProcess } from "../../impl/driver/client.js";
import type { Variant } from "../../model/vocabulary.js";
import type { ScenarioName, ScenarioVerdict } from "../../scenarios/types.js";
import type { RequestRecord, TokenServer } from "../../server/index.js";

// One vocabulary with scenarios/ (the reference implementation's scenarios): names and verdicts.
export {
  isScenarioName,
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioVerdict,
  verdictOf,
} from "../../scenarios/types.js";

/** What a scenario needs from one process: the driver verbs it uses. */
export type ScenarioProcess = Pick<DriverProcess, "name" | "auth" | "refresh">;

/** What a scenario needs from its surroundings; teardown is the runner's business. */
export interface ScenarioWorld {
  server: TokenServer;
  /** Writes the shared auth.json, stale `staleAfterSeconds` from now; resolves to when it turns stale. */
  writeFixture(
    staleAfterSeconds: number,
  ): Promise<{ ok: true; staleAtMs: number } | { ok: false; problem: string }>;
  /** Starts a process on the shared home; a crash or a startup timeout is a failure naming it. */
  startProcess(
    name: string,
  ): Promise<{ ok: true; process: ScenarioProcess } | { ok: false; problem: string }>;
}

/** One token request as a scenario reports it: the token by its generation, never the token itself. */
export interface PostSummary {
  seq: number;
  /** `R0`, `R1`... or `unknown`. */
  token: string;
  status: number;
  verdict: RequestRecord["verdict"];
  code: string | null;
  staleSend: boolean;
}

/** What one process answered: `at-R1`, `null` (poisoned), or `error: ...`. */
export interface ReplySummary {
  process: string;
  verb: "auth" | "refresh";
  answer: string;
  /** The returned access token as it may be shown (redacted unless a fixture label); null when none. */
  token: string | null;
  ok: boolean;
}

export interface PhaseResult {
  name: string;
  /** Processes acting in this phase (the POSTs of the phase are theirs). */
  actors: string[];
  posts: PostSummary[];
  replies: ReplySummary[];
}

export interface ScenarioOutcome {
  /** Completed: the verdict says whether NoStaleRefreshSent held. Failed: the run could not finish. */
  status: "completed" | "failed";
  phases: PhaseResult[];
  failure: string | null;
}

export interface ScenarioResult extends ScenarioOutcome {
  scenario: ScenarioName;
  /** `codex:0.117.0` */
  implementation: string;
  variant: Variant | null;
  posts: number;
  staleSends: number;
  /** null when the run failed. */
  verdict: ScenarioVerdict | null;
  /** The model's verdict for the variant this version mirrors; null when the version maps to none. */
  expected: ScenarioVerdict | null;
  /** How the processes were kept on loopback. */
  network: string;
  /** Where the processes' stderr logs are (kept when the run failed). */
  logs: string | null;
  durationMs: number;
}
