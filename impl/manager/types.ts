/** Results, cache and trace types of the auth manager. */
import type { CallEvent, IoEvent } from "../../model/vocabulary.js";
import type { PermanentReason } from "../ports/types.js";
import type { Snapshot, StorageError } from "../storage/index.js";

export type ManagerErrorKind =
  | "permanent" // the token endpoint rejected the refresh token (401), or a poisoned snapshot failed fast
  | "transient" // network, timeout, 5xx/429, undecodable answer, lock busy: a later call may succeed
  | "skipped" // the guarded reload found no account, an unreadable file or another account
  | "persist" // the refresh was redeemed but could not be saved (re-read failed, write failed, lock busy)
  | "logged-out"; // no usable cached auth

export interface ManagerError {
  kind: ManagerErrorKind;
  reason?: PermanentReason;
  /** Safe to print: tokens appear redacted only. */
  message: string;
}

export interface AuthSuccess {
  ok: true;
  snapshot: Snapshot;
  /** A permanent refresh failure of this very snapshot is on record (Codex's app-server then reports null). */
  poisoned: boolean;
  /** auth() logs a failed proactive refresh and still returns the cached snapshot; this is that failure. */
  refreshError?: ManagerError;
}

export type AuthResult = AuthSuccess | { ok: false; error: ManagerError };

/** A permanent failure recorded against the cached snapshot. */
export interface Poison {
  reason: PermanentReason;
  message: string;
}

/** What a manager holds in memory. Replaced whole, never mutated. */
export interface Cache {
  snapshot: Snapshot | null;
  /** Applies to `snapshot` only: cleared whenever the cached snapshot changes. */
  poison: Poison | null;
  /**
   * Why the last read that emptied the cache found no usable auth.json (missing or rejected), so that "not
   * logged in" can say why. Absent while a snapshot is cached.
   */
  rejection?: StorageError;
}

export interface CachedAuth {
  snapshot: Snapshot | null;
  poisoned: boolean;
}

/** `restart` is the construction-time read of auth.json (the model's restart event). */
export type TraceEventName = CallEvent | IoEvent | "restart";

export interface TraceEvent {
  /** The manager's name. */
  manager: string;
  /** Which public call of that manager this event belongs to (0: construction). */
  call: number;
  event: TraceEventName;
  /** How the step ended, redacted (for example "ok", "missing", "401 refresh_token_reused", "atomic"). */
  detail?: string;
}

export type TraceSink = (event: TraceEvent) => void;

export interface CallOptions {
  /** Receives this call's events, in addition to the manager's own sink. */
  trace?: TraceSink;
}
