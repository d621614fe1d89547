/**
 * When auth() refreshes proactively. Pure: time comes in as `nowMs`.
 * Codex 0.136+ treats a token as stale 5 minutes before `exp`; the variants here mirror 0.117-0.135
 * (stale at `exp`), as docs/protocol.md states.
 */

import type { StalenessRule } from "../../model/designs/types.js";
import { jwtExpirySeconds } from "../storage/jwt.js";
import type { Snapshot } from "../storage/schema.js";

/** Codex's TOKEN_REFRESH_INTERVAL: 8 days. */
export const TOKEN_REFRESH_INTERVAL_MS = 8 * 24 * 60 * 60 * 1000;

const MILLISECONDS_PER_SECOND = 1000;

export function isStale(snapshot: Snapshot, rule: StalenessRule, nowMs: number): boolean {
  if (rule === "expiry-then-last-refresh") {
    const expirySeconds = jwtExpirySeconds(snapshot.tokens.accessToken);
    if (expirySeconds !== undefined) return expirySeconds * MILLISECONDS_PER_SECOND <= nowMs;
  }
  if (snapshot.lastRefresh === null) return false;
  return Date.parse(snapshot.lastRefresh) + TOKEN_REFRESH_INTERVAL_MS < nowMs;
}

/** Codex hands out no token from an auth.json without last_refresh. */
export function canHandOut(snapshot: Snapshot): boolean {
  return snapshot.lastRefresh !== null;
}

/** The `last_refresh` a save writes. */
export function refreshTimestamp(nowMs: number): string {
  return new Date(nowMs).toISOString();
}
