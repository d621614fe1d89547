/**
 * The manager's decisions: pure functions from (cache, what the last port call returned, rules) to what to do
 * next. No await, no clock, no file system here; the flows perform the I/O these decisions ask for.
 */

import type { RefreshResult } from "../ports/types.js";
import {
  type RefreshedTokens,
  type Snapshot,
  type SnapshotResult,
  snapshotsEqual,
  withRefreshedTokens,
} from "../storage/index.js";
import { promoteKnownCode } from "../token/classify.js";
import { replaceCache } from "./cache.js";
import {
  describeStorageError,
  errorFromRefreshFailure,
  loggedOutError,
  persistError,
  poisonedError,
  skippedError,
} from "./errors.js";
import { isStale } from "./staleness.js";
import type { Cache, ManagerError } from "./types.js";
import { type DesignRules, INTACT_RULES, type VariantRules } from "./variants.js";

type Skipped = { kind: "skipped"; error: ManagerError };

/**
 * Account check shared by the guarded reload and the locked read: Skipped, or the disk snapshot to use.
 * The mutant no-account-check (checksAccount false) skips only a missing cached account or unreadable file.
 */
function checkAccount(
  cache: Cache,
  read: SnapshotResult,
  checksAccount: boolean,
): Skipped | { kind: "same-account"; disk: Snapshot } {
  const expected = cache.snapshot?.tokens.accountId ?? null;
  if (expected === null) return { kind: "skipped", error: skippedError("no account id in the cached auth") };
  if (!read.ok) return { kind: "skipped", error: skippedError(describeStorageError(read.error)) };
  if (checksAccount && read.snapshot.tokens.accountId !== expected) {
    return { kind: "skipped", error: skippedError("auth.json holds another account") };
  }
  return { kind: "same-account", disk: read.snapshot };
}

export type GuardedReloadDecision = Skipped | { kind: "changed"; cache: Cache } | { kind: "no-change" };

type ReloadRules = Pick<DesignRules, "checksAccount" | "comparesOnReload" | "clearsPoison">;

/**
 * Guarded reload, steps 1-2 of docs/protocol.md: Skipped (cache untouched), Changed (adopt disk), NoChange.
 * The mutant reload-without-compare (comparesOnReload false) always answers NoChange after the account check.
 */
export function decideGuardedReload(
  cache: Cache,
  read: SnapshotResult,
  rules: ReloadRules = INTACT_RULES,
): GuardedReloadDecision {
  const checked = checkAccount(cache, read, rules.checksAccount);
  if (checked.kind === "skipped") return checked;
  if (!rules.comparesOnReload) return { kind: "no-change" };
  if (cache.snapshot !== null && snapshotsEqual(cache.snapshot, checked.disk)) return { kind: "no-change" };
  return { kind: "changed", cache: replaceCache(cache, checked.disk, rules) };
}

export type PostDecision = { kind: "fail"; error: ManagerError } | { kind: "post"; snapshot: Snapshot };

/** Before POSTing the cached token: nothing cached -> logged out; poisoned (0.117+) -> fail fast. */
export function decidePost(cache: Cache, rules: VariantRules): PostDecision {
  if (cache.snapshot === null) return { kind: "fail", error: loggedOutError(cache.rejection ?? null) };
  if (rules.poisons && cache.poison !== null) return { kind: "fail", error: poisonedError(cache.poison) };
  return { kind: "post", snapshot: cache.snapshot };
}

export type ResponseDecision =
  | { kind: "save"; tokens: RefreshedTokens }
  | { kind: "fail"; cache: Cache; error: ManagerError };

/**
 * After the token endpoint answered for `posted`'s refresh token. A permanent failure poisons the cache only
 * if it still holds `posted` (a cache replaced meanwhile is another snapshot, with its own fate).
 */
export function decideResponse(
  cache: Cache,
  posted: Snapshot,
  response: RefreshResult,
  rules: VariantRules,
): ResponseDecision {
  if (response.ok) return { kind: "save", tokens: response.tokens };
  const failure = rules.knownCodePermanentOnAnyStatus ? promoteKnownCode(response.failure) : response.failure;
  const error = errorFromRefreshFailure(failure, posted.tokens.refreshToken);
  const stillPosted = cache.snapshot !== null && snapshotsEqual(cache.snapshot, posted);
  if (failure.kind !== "permanent" || !rules.poisons || !stillPosted) return { kind: "fail", cache, error };
  return {
    kind: "fail",
    cache: { ...cache, poison: { reason: failure.reason, message: failure.message } },
    error,
  };
}

export type SaveDecision = { kind: "write"; snapshot: Snapshot } | { kind: "fail"; error: ManagerError };

/** Persisting, step 2-3: the re-read file with the new tokens; an unreadable re-read writes nothing. */
export function decideSave(
  reread: SnapshotResult,
  tokens: RefreshedTokens,
  lastRefresh: string,
): SaveDecision {
  if (!reread.ok) {
    return {
      kind: "fail",
      error: persistError(`re-reading auth.json failed: ${describeStorageError(reread.error)}`),
    };
  }
  return { kind: "write", snapshot: withRefreshedTokens(reread.snapshot, tokens, lastRefresh) };
}

export type LockedReadDecision =
  | Skipped
  | { kind: "adopt"; cache: Cache }
  | { kind: "fail"; cache: Cache; error: ManagerError }
  | { kind: "post"; cache: Cache; base: Snapshot };

/** locked, steps 2-5: decide under the lock from what was just read. */
export function decideLockedRead(
  cache: Cache,
  read: SnapshotResult,
  rules: VariantRules,
  nowMs: number,
): LockedReadDecision {
  const checked = checkAccount(cache, read, rules.checksAccount);
  if (checked.kind === "skipped") return checked;
  const { disk } = checked;
  const changed = cache.snapshot === null || !snapshotsEqual(cache.snapshot, disk);
  const next = replaceCache(cache, disk, rules);
  if (changed && !isStale(disk, rules.staleness, nowMs)) return { kind: "adopt", cache: next };
  if (!changed && rules.poisons && next.poison !== null)
    return { kind: "fail", cache: next, error: poisonedError(next.poison) };
  return { kind: "post", cache: next, base: disk };
}
