/**
 * Shapes of a real-process scenario run. Scenarios are written against `DriverProcess` (impl/driver/client.ts)
 * and a `ProcessFactory` (implementation.ts), so the same steps run the reference implementation and a real
 * Codex binary. Reports hold tokens redacted only (a Codex fixture's `at-R1` access tokens, which grant
 * nothing, excepted): whole tokens never leave observe.ts and phases.ts.
 */
import { PROCESS_NAMES as MODEL_PROCESS_NAMES } from "../common/names.js";
import type { Variant } from "../model/vocabulary.js";
import type { Verdict } from "../server/index.js";

/** Each is told in its file (scenarios/stale-cache.ts holds the three stale-cache ones) and in docs/scenarios.md. */
export const SCENARIO_NAMES = [
  "stale-cache",
  "simultaneous",
  "stale-cache-expired",
  "stale-cache-unreachable",
  "two-managers",
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export function isScenarioName(name: string): name is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(name);
}

const [FIRST_PROCESS, SECOND_PROCESS] = MODEL_PROCESS_NAMES;

/** The two processes of every scenario, named as the model's first two (and as in the seed's reproduction). */
export const PROCESS_NAMES = [FIRST_PROCESS, SECOND_PROCESS] as const;
export type ProcessName = (typeof PROCESS_NAMES)[number];

/** Whether invariant NoStaleRefreshSent held: no POST of a refresh token the server had already rotated out. */
export type ScenarioVerdict = "holds" | "violated";

export function verdictOf(staleSends: number): ScenarioVerdict {
  return staleSends === 0 ? "holds" : "violated";
}

/**
 * What a token is, judged against the family on the server at the end of the run.
 * rotated: the family's current token, issued by a rotation. stale: one the server had rotated out.
 * initial: R0, still current (nothing rotated). none: no token (logged out, or withheld as poisoned).
 * unknown: not one of this family's tokens.
 */
export type TokenKind = "rotated" | "stale" | "initial" | "none" | "unknown";

/** One token as reports show it: redacted, with its generation (R0 = 0) when the family knows it. */
export interface TokenView {
  /** `rt_j6s0...`; null when there was no token. */
  shown: string | null;
  generation: number | null;
  kind: TokenKind;
}

/** One process's view around the call it was asked: the seed's cached_before / cached_after / returned. */
export interface ProcessReport {
  cachedBefore: TokenView;
  cachedAfter: TokenView;
  returned: TokenView;
  /** The returned snapshot is poisoned (a permanent refresh failure of it is on record; Codex reports null). */
  poisoned: boolean;
  /** The error the call reported (auth() logs a failed refresh and still returns its cache), redacted. */
  error: string | null;
}

/** One token request the server decided, in its order. */
export interface PostReport {
  /** Redacted. */
  refreshToken: string | null;
  /** Generation of the presented token (R0 = 0), null when the server never issued it. */
  generation: number | null;
  status: number;
  verdict: Verdict;
  code: string | null;
  staleSend: boolean;
}

/**
 * What a phase of a run is for. startup: processes start (a Codex app-server may refresh on its own then).
 * cache-fresh: a process is asked while the token is fresh, so it holds R0 (stale-after fixtures only).
 * ask: the scenario's calls. ask-again: each process once more (option askAgain).
 */
export const PHASE_STEPS = ["startup", "cache-fresh", "ask", "ask-again"] as const;
export type PhaseStep = (typeof PHASE_STEPS)[number];

/** What one process returned in one phase. */
export interface ReplyReport {
  process: ProcessName;
  returned: TokenView;
  poisoned: boolean;
  error: string | null;
}

/** One phase: the POSTs the server decided while it ran (by the server's sequence numbers), and the replies. */
export interface PhaseReport {
  /** `A refreshes (stale)`, `B asked again`, ... */
  name: string;
  step: PhaseStep;
  posts: PostReport[];
  replies: ReplyReport[];
}

export interface ScenarioReport {
  scenario: ScenarioName;
  /** `reference:legacy`, `codex:0.117.0`, ... */
  implementation: string;
  /** The variant the implementation mirrors; null when it maps to none. */
  variant: Variant | null;
  posts: PostReport[];
  /** The server's request log in the seed's shape, one line per POST, redacted. */
  requestLines: string[];
  processes: Record<ProcessName, ProcessReport>;
  /** Order in which the seed's log prints the processes (stale-cache: B first). */
  logOrder: readonly ProcessName[];
  /** POSTs of a refresh token the server had already rotated out, from the server's records. */
  staleSends: number;
  verdict: ScenarioVerdict;
  durationMs: number;
  /**
   * The run phase by phase; together their POSTs are `posts`. runScenario always fills it; a report made by
   * hand may leave it out, and then reads as a run without `ask-again` phases.
   */
  phases?: PhaseReport[];
}

/**
 * A process of the implementation died on its own (a crash at start or during a call): the binary failed, so
 * the run says nothing about the protocol. Runs with one are retried (scenarios/attempts.ts).
 */
export interface BinaryFailure {
  /** 1-based: the attempt of the run during which it happened. */
  attempt: number;
  /** The process's name in the run (`A`, `P3`). */
  process: string;
  /** It died before answering `initialize` (start) or during a call. */
  stage: "start" | "call";
  /** The binary's own error line on stderr ("" when it printed none). */
  stderrLine: string;
  /** How it ended, with where its log is. */
  message: string;
}

export interface ScenarioFailure {
  scenario: ScenarioName;
  implementation: string;
  variant: Variant | null;
  /** Why the run could not finish (a process did not start, crashed, or did not answer in time). */
  message: string;
}

export type ScenarioRunResult =
  | { ok: true; report: ScenarioReport }
  | { ok: false; failure: ScenarioFailure };
