/**
 * The ports an AuthManager does I/O through. Each call is one step of docs/protocol.md and returns a Promise,
 * so a test harness can wrap any port and hold each call until a scheduler releases it; the manager's
 * decisions never look at which adapter is behind a port.
 *
 * Operating errors are typed results; an adapter throws only for programmer errors.
 */
import type { RefreshedTokens, Snapshot, SnapshotResult } from "../storage/index.js";

/** "in-place": open with truncate, write (Codex <= 0.139). "atomic": temp file, fsync, rename, mode 0600. */
export type WriteMode = "in-place" | "atomic";

/** How a port call changes auth.json: written in one of the modes, or removed (a logout). */
export type DiskChange = WriteMode | "remove";

export interface DiskWriteError {
  kind: "write-failed";
  file: string;
  message: string;
}
export type DiskWriteResult = { ok: true } | { ok: false; error: DiskWriteError };

/** One auth.json. */
export interface Disk {
  /** The path of auth.json, used to name the file in messages. */
  readonly file: string;
  read(): Promise<SnapshotResult>;
  write(snapshot: Snapshot, mode: WriteMode): Promise<DiskWriteResult>;
  /** Removes auth.json, as `codex logout` does; a file already missing is fine. */
  remove(): Promise<DiskWriteResult>;
}

/** Codex's `RefreshTokenFailedReason`: expired, reused (Exhausted), invalidated (Revoked), anything else. */
export type PermanentReason = "expired" | "exhausted" | "revoked" | "other";

/** Why a refresh failed without the server rejecting the token: retrying later may succeed. */
export type TransientCause = "network" | "timeout" | "decode" | "status";

export type RefreshFailure =
  | { kind: "permanent"; reason: PermanentReason; status: number; code: string | null; message: string }
  | {
      kind: "transient";
      cause: TransientCause;
      status: number | null;
      message: string;
      /** The error code of a non-2xx answer other than 401, if its body names one (0.136+ reads it). */
      code?: string | null;
    };

export type RefreshResult =
  | { ok: true; status: number; tokens: RefreshedTokens }
  | { ok: false; failure: RefreshFailure };

/** Why a refresh is made, as Codex 0.171 says in its request (`refresh_reason`); absent in older releases. */
export type RefreshReason = "scheduled";

/** POST /oauth/token with one refresh token. */
export interface TokenEndpoint {
  refresh(refreshToken: string, reason?: RefreshReason): Promise<RefreshResult>;
}

/**
 * The answer to one API request made with an access token: 200, 401 (the token is no longer accepted: Codex's
 * cue for 401 recovery), or anything else (another status, a network error, the timeout).
 */
export type ApiAnswer =
  | { kind: "ok"; status: number }
  | { kind: "unauthorized"; status: 401 }
  | { kind: "error"; status: number | null; message: string };

/** The API a Codex process calls with its cached access token (`Authorization: Bearer <access token>`). */
export interface ApiEndpoint {
  request(accessToken: string): Promise<ApiAnswer>;
}

export type LockErrorKind =
  | "busy" // still held by someone else after the bounded retries
  | "failed" // an I/O error (for example the directory does not exist)
  | "not-held" // release without a matching acquire
  | "compromised"; // the lock was lost while held (stale and reclaimed, or its directory removed)

export interface LockError {
  kind: LockErrorKind;
  message: string;
}
export type LockResult = { ok: true } | { ok: false; error: LockError };

/** The cross-process lock on auth.json. One instance per manager: it remembers what it holds. */
export interface Lock {
  acquire(): Promise<LockResult>;
  release(): Promise<LockResult>;
  /**
   * The holder's process is gone (a harness's crash of a manager in its own process): drop what the kernel
   * would drop with the process. A kernel lock is released; a lock directory stays, as it would on disk.
   */
  abandon?(): Promise<void>;
}

/**
 * Time as an input. Unlike the other ports this is synchronous on purpose: reading the clock is not a step
 * of the protocol (no model event), so a scheduler has nothing to hold; tests control time with a fake
 * clock instead, as raft takes time through `Tick()`.
 */
export interface Clock {
  nowMs(): number;
}

export interface AuthPorts {
  disk: Disk;
  tokenEndpoint: TokenEndpoint;
  api: ApiEndpoint;
  lock: Lock;
  clock: Clock;
}
