/**
 * Staleness as the design's rule states it (model/designs/types.ts StalenessRule, docs/protocol.md), written
 * here a second time on purpose: conformance must not judge the implementation with the implementation's own
 * code (impl/manager/staleness.ts), or a bug there would agree with itself.
 *
 * "last-refresh": stale when last_refresh is more than 8 days before now.
 * "expiry-then-last-refresh": if the access token is a JWT whose payload has a numeric `exp`, stale when
 * exp (seconds) <= now; otherwise the 8-day rule. No last_refresh: never stale by the 8-day rule.
 * "expiry-early-then-last-refresh": the same with exp <= now + 5 minutes (Codex 0.136+).
 */
import type { StalenessRule } from "../model/designs/types.js";

const EIGHT_DAYS_MS = 8 * 24 * 60 * 60 * 1000;

export interface StalenessInput {
  accessToken: string;
  lastRefresh: string | null;
}

/** The access token's `exp` in seconds, or undefined when it is not a JWT with a numeric exp. */
function expirySeconds(accessToken: string): number | undefined {
  const parts = accessToken.split(".");
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8"));
    const exp = (payload as { exp?: unknown } | null)?.exp;
    return typeof exp === "number" && Number.isFinite(exp) ? exp : undefined;
  } catch {
    return undefined;
  }
}

export function staleByRule(input: StalenessInput, rule: StalenessRule, nowMs: number): boolean {
  if (rule !== "last-refresh") {
    const exp = expirySeconds(input.accessToken);
    const marginMs = rule === "expiry-early-then-last-refresh" ? 300_000 : 0;
    if (exp !== undefined) return exp * 1000 <= nowMs + marginMs;
  }
  if (input.lastRefresh === null) return false;
  return Date.parse(input.lastRefresh) + EIGHT_DAYS_MS < nowMs;
}
