/**
 * Pure operations on snapshots: equality ("Changed" in a guarded reload means different in any field, not
 * newer), the token merge Codex does when it persists a refresh, and a redacted one-line description.
 */
import { redact } from "../redact.js";
import type { IdTokenInfo, Snapshot } from "./schema.js";

export function snapshotsEqual(left: Snapshot, right: Snapshot): boolean {
  return (
    left.authMode === right.authMode &&
    left.openaiApiKey === right.openaiApiKey &&
    left.lastRefresh === right.lastRefresh &&
    left.tokens.idToken.raw === right.tokens.idToken.raw &&
    left.tokens.accessToken === right.tokens.accessToken &&
    left.tokens.refreshToken === right.tokens.refreshToken &&
    left.tokens.accountId === right.tokens.accountId
  );
}

/** What a token endpoint returned; a missing field keeps the old value. */
export interface RefreshedTokens {
  idToken?: IdTokenInfo;
  accessToken?: string;
  refreshToken?: string;
}

/**
 * Codex's `update_tokens`: overwrite the tokens the server sent, set `last_refresh`, keep everything else
 * (notably `account_id`) from `base`, which is the snapshot just read from disk.
 */
export function withRefreshedTokens(
  base: Snapshot,
  refreshed: RefreshedTokens,
  lastRefresh: string,
): Snapshot {
  return {
    ...base,
    tokens: {
      ...base.tokens,
      idToken: refreshed.idToken ?? base.tokens.idToken,
      accessToken: refreshed.accessToken ?? base.tokens.accessToken,
      refreshToken: refreshed.refreshToken ?? base.tokens.refreshToken,
    },
    lastRefresh,
  };
}

/** A one-line description safe to print: tokens redacted, account id shown (it is not a secret). */
export function describeSnapshot(snapshot: Snapshot): string {
  const { tokens } = snapshot;
  return [
    `account=${tokens.accountId ?? "none"}`,
    `access=${redact(tokens.accessToken)}`,
    `refresh=${redact(tokens.refreshToken)}`,
    `last_refresh=${snapshot.lastRefresh ?? "none"}`,
  ].join(" ");
}
