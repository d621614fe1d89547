/**
 * Turning a finished run into a report: the server's records become POSTs and the seed's request lines, and
 * every token a process held is judged against the family's state at the end (rotated, stale, ...) and then
 * kept redacted only. Pure: the server and the observations are read, nothing else.
 */
import type { DriverAuth } from "../impl/driver/protocol.js";
import { redact } from "../impl/redact.js";
import type { FamilyState, FamilyTokens, RequestRecord, TokenServer } from "../server/index.js";
import { formatRequestLine } from "../server/index.js";
import type { Observation } from "./observe.js";
import type { PhaseRecord } from "./phases.js";
import type { Scenario } from "./steps.js";
import {
  type PhaseReport,
  type PostReport,
  PROCESS_NAMES,
  type ProcessName,
  type ProcessReport,
  type ReplyReport,
  type ScenarioReport,
  type TokenKind,
  type TokenView,
  verdictOf,
} from "./types.js";

function postOf(record: RequestRecord): PostReport {
  return {
    refreshToken: record.refreshToken === null ? null : redact(record.refreshToken),
    generation: record.tokenGeneration,
    status: record.status,
    verdict: record.verdict,
    code: record.code,
    staleSend: record.staleSend,
  };
}

/**
 * The generation of what a process holds. The refresh token decides when the implementation reveals it; a
 * Codex app-server reveals only the access token, which the family knows for R0 (`initial`) and the current
 * generation.
 */
function generationOf(auth: DriverAuth, family: FamilyState, initial: FamilyTokens): number | null {
  if (auth.refreshToken !== "") {
    if (auth.refreshToken === family.refreshToken) return family.generation;
    const rotatedOut = family.rotatedOut.indexOf(auth.refreshToken);
    return rotatedOut >= 0 ? rotatedOut : null;
  }
  if (auth.accessToken === family.accessToken) return family.generation;
  return auth.accessToken === initial.accessToken ? 0 : null;
}

function kindOf(generation: number | null, family: FamilyState): TokenKind {
  if (generation === null) return "unknown";
  if (generation < family.generation) return "stale";
  return family.generation === 0 ? "initial" : "rotated";
}

/** The server's opaque fixture access tokens name their generation (`at-R1`) and grant nothing: shown whole. */
const FIXTURE_ACCESS_TOKEN = /^at-R\d{1,6}$/;

/** Redacted, except a fixture access token (what a Codex app-server reveals instead of its refresh token). */
function shownToken(auth: DriverAuth): string | null {
  if (auth.refreshToken !== "") return redact(auth.refreshToken);
  if (auth.accessToken === "") return null;
  return FIXTURE_ACCESS_TOKEN.test(auth.accessToken) ? auth.accessToken : redact(auth.accessToken);
}

function viewToken(auth: DriverAuth | null, family: FamilyState, initial: FamilyTokens): TokenView {
  const shown = auth === null ? null : shownToken(auth);
  if (auth === null || shown === null) return { shown: null, generation: null, kind: "none" };
  const generation = generationOf(auth, family, initial);
  return { shown, generation, kind: kindOf(generation, family) };
}

function processReport(observation: Observation, family: FamilyState, initial: FamilyTokens): ProcessReport {
  return {
    cachedBefore: viewToken(observation.cachedBefore, family, initial),
    cachedAfter: viewToken(observation.cachedAfter, family, initial),
    returned: viewToken(observation.returned, family, initial),
    poisoned: observation.returned?.poisoned ?? false,
    error: observation.error,
  };
}

function phaseReport(record: PhaseRecord, family: FamilyState, initial: FamilyTokens): PhaseReport {
  const replies = record.actors.map((process, index): ReplyReport => {
    const observation = record.observations[index];
    if (observation === undefined) throw new Error(`phase '${record.name}': no observation of ${process}`);
    const { returned, poisoned, error } = processReport(observation, family, initial);
    return { process, returned, poisoned, error };
  });
  return { name: record.name, step: record.step, posts: record.requests.map(postOf), replies };
}

export interface ReportInput {
  scenario: Scenario;
  implementation: string;
  variant: ScenarioReport["variant"];
  server: TokenServer;
  family: FamilyTokens;
  observations: Record<ProcessName, Observation>;
  phases: readonly PhaseRecord[];
  durationMs: number;
}

export function buildReport(input: ReportInput): ScenarioReport {
  const family = input.server.state().families.find((state) => state.familyId === input.family.familyId);
  if (family === undefined) throw new Error(`buildReport: the server lost family ${input.family.familyId}`);
  const records = input.server.requests();
  const processes = Object.fromEntries(
    PROCESS_NAMES.map((name) => [name, processReport(input.observations[name], family, input.family)]),
  ) as Record<ProcessName, ProcessReport>;
  const staleSends = records.filter((record) => record.staleSend).length;
  return {
    scenario: input.scenario.name,
    implementation: input.implementation,
    variant: input.variant,
    posts: records.map(postOf),
    requestLines: records.map(formatRequestLine),
    processes,
    logOrder: input.scenario.logOrder,
    staleSends,
    verdict: verdictOf(staleSends),
    durationMs: input.durationMs,
    phases: input.phases.map((record) => phaseReport(record, family, input.family)),
  };
}
