/** Pure transitions of the cache. The poison belongs to one snapshot: replacing it by a different one clears it. */
import { type Snapshot, type SnapshotResult, snapshotsEqual } from "../storage/index.js";
import { loggedOutError } from "./errors.js";
import type { AuthResult, Cache, CachedAuth } from "./types.js";

export const EMPTY_CACHE: Cache = { snapshot: null, poison: null };

export function replaceCache(cache: Cache, snapshot: Snapshot | null): Cache {
  const same = cache.snapshot !== null && snapshot !== null && snapshotsEqual(cache.snapshot, snapshot);
  return same ? cache : { snapshot, poison: null };
}

/** Codex's reload(): the cache becomes whatever disk holds; an unreadable file means logged out. */
export function cacheAfterReload(cache: Cache, read: SnapshotResult): Cache {
  return replaceCache(cache, read.ok ? read.snapshot : null);
}

export function resultFromCache(cache: Cache): AuthResult {
  if (cache.snapshot === null) return { ok: false, error: loggedOutError() };
  return { ok: true, snapshot: cache.snapshot, poisoned: cache.poison !== null };
}

export function cachedAuth(cache: Cache): CachedAuth {
  return { snapshot: cache.snapshot, poisoned: cache.poison !== null };
}
