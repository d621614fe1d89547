/**
 * When auth() refreshes proactively. Pure: time comes in as `nowMs`.
 * Codex 0.117-0.135 treats a token as stale at `exp`, 0.136+ 5 minutes before it (the designs' `staleness`
 * rule says which); docs/protocol.md states both.
 */

import type { StalenessRule } from "../../model/designs/types.js";
import { jwtExpirySeconds } from "../storage/jwt.js";
import type { Snapshot } from "../storage/schema.js";

/** Codex's TOKEN_REFRESH_INTERVAL: 8 days. */
export const TOKEN_REFRESH_INTERVAL_MS = 8 * 24 * 60 * 60 * 1000;

/** Codex 0.136+: a token is refreshed this long before its `exp`. */
export const EXPIRY_MARGIN_MS = 5 * 60 * 1000;

const MILLISECONDS_PER_SECOND = 1000;

export function isStale(snapshot: Snapshot, rule: StalenessRule, nowMs: number): boolean {
  if (rule !== "last-refresh") {
    const expirySeconds = jwtExpirySeconds(snapshot.tokens.accessToken);
    const margin = rule === "expiry-early-then-last-refresh" ? EXPIRY_MARGIN_MS : 0;
    if (expirySeconds !== undefined) return expirySeconds * MILLISECONDS_PER_SECOND <= nowMs + margin;
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
