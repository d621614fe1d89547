/**
 * Writes snapshots in Codex's exact auth.json form, and builds snapshots for fixtures.
 * Codex serialises with `serde_json::to_string_pretty` (two-space indent, no trailing newline), omits
 * `auth_mode`, `tokens` and `last_refresh` when absent, and always writes `OPENAI_API_KEY`.
 */

import { parseIdToken } from "./id-token.js";
import { encodeJwt, OPENAI_AUTH_CLAIM } from "./jwt.js";
import type { AuthMode, Snapshot } from "./schema.js";

export function formatAuthJson(snapshot: Snapshot): string {
  const { tokens } = snapshot;
  const json: Record<string, unknown> = {};
  if (snapshot.authMode !== null) json.auth_mode = snapshot.authMode;
  json.OPENAI_API_KEY = snapshot.openaiApiKey;
  json.tokens = {
    id_token: tokens.idToken.raw,
    access_token: tokens.accessToken,
    refresh_token: tokens.refreshToken,
    account_id: tokens.accountId,
  };
  if (snapshot.lastRefresh !== null) json.last_refresh = snapshot.lastRefresh;
  return JSON.stringify(json, null, 2);
}

export interface SnapshotFields {
  accessToken: string;
  refreshToken: string;
  /** `tokens.account_id`, also the id_token's `chatgpt_account_id`; default "account-1". */
  accountId?: string | null;
  /** Epoch milliseconds, a Date, an RFC 3339 string, or null (then never stale and never handed out). */
  lastRefresh: number | Date | string | null;
  email?: string;
  userId?: string;
  planType?: string;
  /** A raw JWT to store as id_token instead of one built from the claims above. */
  idToken?: string;
  /** Default "chatgpt". */
  authMode?: AuthMode | null;
  /** Default null. */
  openaiApiKey?: string | null;
}

export const DEFAULT_ACCOUNT_ID = "account-1";

function lastRefreshText(lastRefresh: SnapshotFields["lastRefresh"]): string | null {
  if (lastRefresh === null) return null;
  if (typeof lastRefresh === "string") return lastRefresh;
  const date = typeof lastRefresh === "number" ? new Date(lastRefresh) : lastRefresh;
  if (!Number.isFinite(date.getTime())) throw new Error("makeSnapshot: lastRefresh is not a valid time");
  return date.toISOString();
}

/** Builds a valid snapshot for fixtures. Invalid input is a programmer error and throws. */
export function makeSnapshot(fields: SnapshotFields): Snapshot {
  const accountId = fields.accountId === undefined ? DEFAULT_ACCOUNT_ID : fields.accountId;
  const rawIdToken =
    fields.idToken ??
    encodeJwt({
      email: fields.email ?? "user@example.com",
      [OPENAI_AUTH_CLAIM]: {
        chatgpt_account_id: accountId,
        chatgpt_user_id: fields.userId ?? "user-1",
        chatgpt_plan_type: fields.planType ?? "plus",
      },
    });
  const idToken = parseIdToken(rawIdToken);
  if (!idToken.ok) throw new Error(`makeSnapshot: idToken is not a valid JWT: ${idToken.problem}`);
  return {
    authMode: fields.authMode === undefined ? "chatgpt" : fields.authMode,
    openaiApiKey: fields.openaiApiKey ?? null,
    tokens: {
      idToken: idToken.idToken,
      accessToken: fields.accessToken,
      refreshToken: fields.refreshToken,
      accountId,
    },
    lastRefresh: lastRefreshText(fields.lastRefresh),
  };
}
