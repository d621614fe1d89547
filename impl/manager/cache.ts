/** Pure transitions of the cache. The poison belongs to one snapshot: replacing it by a different one clears it. */
import { type Snapshot, type SnapshotResult, snapshotsEqual } from "../storage/index.js";
import { loggedOutError } from "./errors.js";
import type { AuthResult, Cache, CachedAuth } from "./types.js";
import { type DesignRules, INTACT_RULES } from "./variants.js";

export const EMPTY_CACHE: Cache = { snapshot: null, poison: null };

type PoisonRule = Pick<DesignRules, "clearsPoison">;

/** cache := snapshot; a different snapshot drops the poison (unless the mutant poison-never-cleared keeps it). */
export function replaceCache(
  cache: Cache,
  snapshot: Snapshot | null,
  rules: PoisonRule = INTACT_RULES,
): Cache {
  const same = cache.snapshot !== null && snapshot !== null && snapshotsEqual(cache.snapshot, snapshot);
  if (same) return cache;
  return { snapshot, poison: rules.clearsPoison ? null : cache.poison };
}

/**
 * Codex's reload(): the cache becomes whatever disk holds; an unreadable file means logged out, and the cache
 * keeps why (the rejection), for the error that says so.
 */
export function cacheAfterReload(
  cache: Cache,
  read: SnapshotResult,
  rules: PoisonRule = INTACT_RULES,
): Cache {
  if (read.ok) return replaceCache(cache, read.snapshot, rules);
  return { ...replaceCache(cache, null, rules), rejection: read.error };
}

export function resultFromCache(cache: Cache): AuthResult {
  if (cache.snapshot === null) return { ok: false, error: loggedOutError(cache.rejection ?? null) };
  return { ok: true, snapshot: cache.snapshot, poisoned: cache.poison !== null };
}

export function cachedAuth(cache: Cache): CachedAuth {
  return { snapshot: cache.snapshot, poisoned: cache.poison !== null };
}
