/**
 * What another process does to the shared CODEX_HOME in the model's world events: log in to account B
 * (a new token family written to auth.json) or log out (auth.json removed). Variants that take the file lock
 * expect every writer to respect it, so these actions take the real lock too.
 */
import { rm } from "node:fs/promises";
import { createFileLock } from "../impl/ports/index.js";
import { authJsonPath, authLockPath } from "../impl/storage/index.js";
import { writeFamilyAuthJson } from "../server/index.js";
import type { FamilyTokens } from "../server/types.js";

/**
 * The lock's stale time in conformance runs: long enough that proper-lockfile's refresh timer (half of it)
 * never fires within a run, so a lock's freshness changes only when a model event says so (expireLock).
 */
export const LOCK_STALE_CONDUCTOR_MS = 60_000;

async function underLock(
  home: string,
  locking: boolean,
  action: () => Promise<void>,
): Promise<string | null> {
  if (!locking) {
    await action();
    return null;
  }
  const lock = createFileLock(authJsonPath(home), {
    lockfilePath: authLockPath(home),
    staleMs: LOCK_STALE_CONDUCTOR_MS,
    retriesMax: 0,
  });
  const acquired = await lock.acquire();
  if (!acquired.ok) return `the other process could not take the lock: ${acquired.error.message}`;
  try {
    await action();
  } finally {
    await lock.release();
  }
  return null;
}

export function externalLogin(
  home: string,
  family: FamilyTokens,
  nowMs: number,
  locking: boolean,
): Promise<string | null> {
  return underLock(home, locking, () => writeFamilyAuthJson(authJsonPath(home), family, nowMs, "replace"));
}

export function externalLogout(home: string, locking: boolean): Promise<string | null> {
  return underLock(home, locking, () => rm(authJsonPath(home), { force: true }));
}
