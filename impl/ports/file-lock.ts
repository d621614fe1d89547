/**
 * The real cross-process lock: proper-lockfile (a `mkdir` lock directory beside auth.json, kept fresh by
 * touching its mtime, reclaimed when older than the stale time).
 *
 * - The lock directory is `auth.json.mkdir-lock` beside auth.json's real file, resolved at every acquire
 *   (lock-path.ts: homes sharing one auth.json through a symlink share the lock; the name stays clear of
 *   the `auth.json.lock` file Codex 0.171 opens). proper-lockfile's own `realpath` is off because it needs
 *   auth.json to exist (a logged-out home must still lock).
 * - Waiting is bounded: `retriesMax` attempts with capped exponential backoff, then a typed "busy" result.
 *   The loop is ours, not proper-lockfile's `retries`: that one retries every error (a missing directory
 *   would be retried for the whole budget), this one retries only ELOCKED.
 * - proper-lockfile's default `onCompromised` throws from a timer, which would crash the process; here the
 *   loss is recorded and reported by the next `release()` as a "compromised" result.
 *
 * Hazards that stay (proper-lockfile 4.1.2): two processes reclaiming one stale lock can both win (#121);
 * a holder whose event loop stalls past `staleMs` loses the lock; a lock left by SIGKILL is reclaimed only
 * after `staleMs`. Its in-process registry is keyed by the auth.json path, so if one manager reclaims a stale
 * lock that another manager of the same process still believes it holds, the old holder's release removes
 * the new holder's lock directory.
 */
import lockfile from "proper-lockfile";
import { lockPathOf } from "./lock-path.js";
import { backoffMs, sleep } from "./lock-wait.js";
import type { Lock, LockErrorKind, LockResult } from "./types.js";

export interface FileLockOptions {
  /** Where the lock directory lives; default `auth.json.mkdir-lock` beside auth.json's real file. */
  lockfilePath?: string;
  /** A lock whose mtime is older than this is reclaimed (proper-lockfile's minimum is 2000). */
  staleMs?: number;
  /** How often the holder refreshes the mtime; default half of staleMs (minimum 1000). */
  updateMs?: number;
  /** Attempts after the first before acquire gives up with "busy". */
  retriesMax?: number;
  retryMinimumMs?: number;
  retryMaximumMs?: number;
}

export const LOCK_STALE_MS = 10_000;
export const LOCK_RETRIES_MAX = 200;
export const LOCK_RETRY_MINIMUM_MS = 10;
export const LOCK_RETRY_MAXIMUM_MS = 100;

export interface FileLock extends Lock {
  /** Every loss recorded by onCompromised, oldest first (messages only). */
  readonly compromises: readonly string[];
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "unknown error";
}

function lockFailure(kind: LockErrorKind, message: string): LockResult {
  return { ok: false, error: { kind, message } };
}

class ProperFileLock implements FileLock {
  readonly compromises: string[] = [];
  private releaseHeld: (() => Promise<void>) | null = null;
  private lostWhileHeld: string | null = null;
  private readonly lockOptions: lockfile.LockOptions;
  private readonly retriesMax: number;
  private readonly minimumMs: number;
  private readonly maximumMs: number;

  private readonly lockfilePath: string | undefined;

  constructor(
    private readonly authFile: string,
    options: FileLockOptions,
  ) {
    this.lockfilePath = options.lockfilePath;
    this.retriesMax = options.retriesMax ?? LOCK_RETRIES_MAX;
    this.minimumMs = options.retryMinimumMs ?? LOCK_RETRY_MINIMUM_MS;
    this.maximumMs = options.retryMaximumMs ?? LOCK_RETRY_MAXIMUM_MS;
    this.lockOptions = {
      realpath: false,
      stale: options.staleMs ?? LOCK_STALE_MS,
      retries: 0,
      onCompromised: (error: Error) => {
        this.lostWhileHeld = error.message;
        this.compromises.push(error.message);
      },
      ...(options.updateMs === undefined ? {} : { update: options.updateMs }),
    };
  }

  async acquire(): Promise<LockResult> {
    if (this.releaseHeld !== null) return lockFailure("failed", "this lock instance already holds the lock");
    const located =
      this.lockfilePath === undefined
        ? await lockPathOf("mkdir", this.authFile)
        : { ok: true as const, path: this.lockfilePath };
    if (!located.ok) return lockFailure("failed", `cannot locate the lock: ${located.message}`);
    const options = { ...this.lockOptions, lockfilePath: located.path };
    for (let attempt = 0; attempt <= this.retriesMax; attempt += 1) {
      if (attempt > 0) await sleep(backoffMs(attempt, this.minimumMs, this.maximumMs));
      try {
        this.releaseHeld = await lockfile.lock(this.authFile, options);
        this.lostWhileHeld = null;
        return { ok: true };
      } catch (error) {
        const code = errorCode(error);
        if (code !== "ELOCKED") return lockFailure("failed", `cannot take the lock (${code})`);
      }
    }
    return lockFailure("busy", `lock still held after ${this.retriesMax} retries (LOCK_RETRIES_MAX)`);
  }

  async release(): Promise<LockResult> {
    const releaseNow = this.releaseHeld;
    if (releaseNow === null) return lockFailure("not-held", "release without acquire");
    this.releaseHeld = null;
    try {
      await releaseNow();
    } catch (error) {
      // ERELEASED: proper-lockfile already dropped a compromised lock; the loss is reported below.
      const code = errorCode(error);
      if (code !== "ERELEASED") return lockFailure("failed", `cannot release the lock (${code})`);
    }
    if (this.lostWhileHeld !== null) {
      return lockFailure("compromised", `the lock was lost while held: ${this.lostWhileHeld}`);
    }
    return { ok: true };
  }
}

export function createFileLock(authFile: string, options: FileLockOptions = {}): FileLock {
  return new ProperFileLock(authFile, options);
}
