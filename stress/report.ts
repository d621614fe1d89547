/**
 * The numbers of a finished stress run: the server's records (POSTs, rotations, stale sends, 401s by code,
 * families revoked) next to what the processes answered (the tally). Pure: the run is over. Holds no token.
 */
import type { Variant } from "../model/vocabulary.js";
import type { RequestRecord, ServerState } from "../server/index.js";
import type { StressSettings } from "./limits.js";
import type { MemoryFigures } from "./memory.js";
import type { StressCall } from "./plan.js";
import { type CallTally, callsMade } from "./tally.js";

export interface StressReport {
  /** `reference:locked`, `cmd:...`, `module:/path`, `codex:0.117.0` */
  implementation: string;
  /** The variant the implementation mirrors; null when it mirrors none. */
  variant: Variant | null;
  settings: StressSettings;
  /** Calls answered (a process that died stops early); planned: processes x calls. */
  calls: number;
  callsByKind: Record<StressCall, number>;
  /** Token requests the server decided. */
  posts: number;
  rotations: number;
  /** POSTs of a refresh token the server had already rotated out: invariant NoStaleRefreshSent. */
  staleSends: number;
  /** 401 answers by error code (refresh_token_reused, refresh_token_invalidated, ...). */
  unauthorizedByCode: Record<string, number>;
  familiesRevoked: number;
  /** Logins after a revocation (a fresh family for the same account written to auth.json). */
  relogins: number;
  failedCalls: Record<string, number>;
  /** auth() calls that logged a failed refresh and returned the cache anyway, by error kind. */
  refreshErrors: Record<string, number>;
  poisonedReturns: number;
  /** The cross-process lock not taken or not released cleanly (reference processes), by result. */
  lockFailures: Record<string, number>;
  /**
   * Per implementation (one row, or one per member of a mixed run): its processes, and the POSTs and stale
   * sends the server attributes to them (by the sender each process's token URL names).
   */
  byImplementation: ImplementationRow[];
  /** From set-up to the last answer (teardown excluded). */
  elapsedMs: number;
  /** From the first call to the last answer: what calls/s is measured on. */
  callsElapsedMs: number;
  /** Each driver's peak resident set (VmHWM), read after its last call; null when none could be read. */
  memory: MemoryFigures | null;
  /** Why the run is not complete: a process died or did not answer, a limit was reached. Empty when complete. */
  problems: string[];
}

export interface ImplementationRow {
  implementation: string;
  /** P1, P3, ... */
  processes: string[];
  posts: number;
  staleSends: number;
}

export interface ReportInputs {
  implementation: string;
  variant: Variant | null;
  settings: StressSettings;
  records: readonly RequestRecord[];
  state: ServerState;
  tally: CallTally;
  relogins: number;
  elapsedMs: number;
  callsElapsedMs: number;
  memory: MemoryFigures | null;
  problems: readonly string[];
  /** Every process's name and the implementation it runs, in start order. */
  processes: readonly { name: string; implementation: string }[];
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

export function buildStressReport(inputs: ReportInputs): StressReport {
  const { records, tally } = inputs;
  const unauthorized = records.filter((record) => record.status === 401);
  return {
    implementation: inputs.implementation,
    variant: inputs.variant,
    settings: inputs.settings,
    calls: callsMade(tally),
    callsByKind: { ...tally.calls },
    posts: records.length,
    rotations: records.filter((record) => record.verdict === "rotated").length,
    staleSends: records.filter((record) => record.staleSend).length,
    unauthorizedByCode: countBy(unauthorized, (record) => record.code ?? "none"),
    familiesRevoked: inputs.state.families.filter((family) => family.revoked).length,
    relogins: inputs.relogins,
    failedCalls: { ...tally.failed },
    refreshErrors: { ...tally.refreshErrors },
    poisonedReturns: tally.poisonedReturns,
    lockFailures: { ...tally.lockFailures },
    byImplementation: implementationRows(inputs.processes, records),
    elapsedMs: inputs.elapsedMs,
    callsElapsedMs: inputs.callsElapsedMs,
    memory: inputs.memory,
    problems: [...inputs.problems, ...refusals(inputs.state)],
  };
}

/**
 * One row per implementation, in order of first process. A POST whose sender is no process of the run (none is
 * named: the re-login's own requests are not POSTs) is attributed to "unattributed".
 */
function implementationRows(
  processes: ReportInputs["processes"],
  records: readonly RequestRecord[],
): ImplementationRow[] {
  const rows = new Map<string, ImplementationRow>();
  const rowOfProcess = new Map<string, ImplementationRow>();
  for (const { name, implementation } of processes) {
    let row = rows.get(implementation);
    if (row === undefined) {
      row = { implementation, processes: [], posts: 0, staleSends: 0 };
      rows.set(implementation, row);
    }
    row.processes.push(name);
    rowOfProcess.set(name, row);
  }
  for (const record of records) {
    let row = record.sender === null ? undefined : rowOfProcess.get(record.sender);
    if (row === undefined) {
      row = rows.get(UNATTRIBUTED) ?? {
        implementation: UNATTRIBUTED,
        processes: [],
        posts: 0,
        staleSends: 0,
      };
      rows.set(UNATTRIBUTED, row);
    }
    row.posts += 1;
    if (record.staleSend) row.staleSends += 1;
  }
  return [...rows.values()];
}

const UNATTRIBUTED = "unattributed";

/** Token requests the server refused unrecorded: the counts would be short, so the run says so. */
function refusals(state: ServerState): string[] {
  if (state.refusedRequests === 0) return [];
  const limit = `recordedRequestsMax ${state.limits.recordedRequestsMax}`;
  return [`the token server refused ${state.refusedRequests} requests unrecorded (${limit})`];
}
