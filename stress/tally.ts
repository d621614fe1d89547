/**
 * What the processes answered, counted as the replies arrive. Pure: a reply in, counts updated; no tokens are
 * kept (only error kinds and reasons), so nothing here can leak a secret.
 */
import type { DriverError, DriverReply } from "../impl/driver/protocol.js";
import { STRESS_CALLS, type StressCall } from "./plan.js";

/** The client's names for transport failures (the process died or did not answer): the run is broken. */
export const TRANSPORT_ERROR_PREFIX = "driver-";

export interface CallTally {
  /** Replies received, by call. */
  calls: Record<StressCall, number>;
  /** Calls that answered ok:false, by `kind` or `kind/reason` (permanent/exhausted, transient, ...). */
  failed: Record<string, number>;
  /** auth() calls that answered ok but logged a failed refresh (Codex returns the cache anyway), by kind. */
  refreshErrors: Record<string, number>;
  /** ok replies whose snapshot is poisoned: a permanent failure of that very token is on record. */
  poisonedReturns: number;
  /**
   * The cross-process lock not taken or not released cleanly, by its result (busy, failed, compromised), from
   * the reply traces of the reference driver (a real Codex reports none).
   */
  lockFailures: Record<string, number>;
}

export function emptyTally(): CallTally {
  const calls = Object.fromEntries(STRESS_CALLS.map((call) => [call, 0])) as Record<StressCall, number>;
  return { calls, failed: {}, refreshErrors: {}, poisonedReturns: 0, lockFailures: {} };
}

/** `permanent/exhausted`, `transient`: the key calls are counted under. */
function errorKey(error: DriverError): string {
  return error.reason === undefined ? error.kind : `${error.kind}/${error.reason}`;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

const LOCK_EVENTS: readonly string[] = ["acquireLock", "releaseLock"];

export function addReply(tally: CallTally, call: StressCall, reply: DriverReply): void {
  tally.calls[call] += 1;
  for (const { event, detail } of reply.trace) {
    if (LOCK_EVENTS.includes(event) && detail !== undefined && detail !== "ok") {
      increment(tally.lockFailures, detail);
    }
  }
  if (!reply.ok) {
    increment(tally.failed, errorKey(reply.error));
    return;
  }
  if (reply.refreshError !== undefined) increment(tally.refreshErrors, errorKey(reply.refreshError));
  if (reply.auth?.poisoned === true) tally.poisonedReturns += 1;
}

export function callsMade(tally: CallTally): number {
  return STRESS_CALLS.reduce((sum, call) => sum + tally.calls[call], 0);
}

/** The process died or stopped answering: later calls to it are pointless. */
export function isTransportFailure(reply: DriverReply): reply is Extract<DriverReply, { ok: false }> {
  return !reply.ok && reply.error.kind.startsWith(TRANSPORT_ERROR_PREFIX);
}

/**
 * The token endpoint said no for good (401), a poisoned snapshot failed fast, or came back poisoned: a user
 * would log in again. A real Codex shows the last only (`authToken: null`), so without it a Codex process whose
 * family was revoked would stay poisoned for the rest of the run, and a mixed run would stop measuring it.
 */
export function isPermanentFailure(reply: DriverReply): boolean {
  if (!reply.ok) return reply.error.kind === "permanent";
  return reply.refreshError?.kind === "permanent" || reply.auth?.poisoned === true;
}
