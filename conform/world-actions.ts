/**
 * What another process does to the shared CODEX_HOME in the model's world events: log in to account B
 * (a new token family written to auth.json) or log out (auth.json removed). Variants that take the file lock
 * expect every writer to respect it, so these actions take the real lock too.
 */
import { rm } from "node:fs/promises";
import { createLock } from "../impl/ports/index.js";
import { authJsonPath } from "../impl/storage/index.js";
import type { LockKind } from "../model/designs/types.js";
import { writeFamilyAuthJson } from "../server/index.js";
import type { FamilyTokens } from "../server/types.js";

/**
 * The lock's stale time in conformance runs: long enough that proper-lockfile's refresh timer (half of it)
 * never fires within a run, so a lock's freshness changes only when a model event says so (expireLock).
 */
export const LOCK_STALE_CONDUCTOR_MS = 60_000;

/** The lock the design's writers take (null: none), as that other process takes it. */
async function underLock(
  home: string,
  lock: LockKind | null,
  action: () => Promise<void>,
): Promise<string | null> {
  if (lock === null) {
    await action();
    return null;
  }
  const other = createLock(lock, authJsonPath(home), { staleMs: LOCK_STALE_CONDUCTOR_MS, retriesMax: 0 });
  const acquired = await other.acquire();
  if (!acquired.ok) return `the other process could not take the lock: ${acquired.error.message}`;
  try {
    await action();
  } finally {
    await other.release();
  }
  return null;
}

export function externalLogin(
  home: string,
  family: FamilyTokens,
  nowMs: number,
  lock: LockKind | null,
): Promise<string | null> {
  return underLock(home, lock, () => writeFamilyAuthJson(authJsonPath(home), family, nowMs, "replace"));
}

export function externalLogout(home: string, lock: LockKind | null): Promise<string | null> {
  return underLock(home, lock, () => rm(authJsonPath(home), { force: true }));
}
