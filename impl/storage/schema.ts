/**
 * The typed form of Codex's `$CODEX_HOME/auth.json` (codex-rs login crate, `AuthDotJson` / `TokenData`).
 *
 * On disk (serde field names, in Codex's serialisation order):
 *   { "auth_mode"?: "apikey" | "chatgpt" | "chatgptAuthTokens",   (omitted when absent)
 *     "OPENAI_API_KEY": string | null,                             (always written)
 *     "tokens": { "id_token": "<JWT>", "access_token", "refresh_token", "account_id": string | null },
 *     "last_refresh"?: "<RFC 3339 timestamp>" }                    (omitted when absent)
 */

export const AUTH_JSON_FILE_NAME = "auth.json";

/** auth.json is a few kilobytes; anything larger is not a credential file (a named limit, not a guess). */
export const AUTH_JSON_BYTES_MAX = 1024 * 1024;

export const AUTH_MODES = ["apikey", "chatgpt", "chatgptAuthTokens"] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

/** The id_token as Codex keeps it: the raw JWT plus the claims it reads. */
export interface IdTokenInfo {
  /** The JWT exactly as stored; written back unchanged. */
  raw: string;
  email: string | null;
  /** Claims under `https://api.openai.com/auth`. */
  chatgptAccountId: string | null;
  chatgptUserId: string | null;
  chatgptPlanType: string | null;
}

export interface TokenData {
  idToken: IdTokenInfo;
  accessToken: string;
  refreshToken: string;
  /** `tokens.account_id`: the account a guarded reload compares against (null when absent). */
  accountId: string | null;
}

/** One parsed auth.json. Immutable by convention: every change builds a new snapshot. */
export interface Snapshot {
  authMode: AuthMode | null;
  openaiApiKey: string | null;
  tokens: TokenData;
  /** RFC 3339 timestamp as stored (Codex writes nanoseconds, authrace writes milliseconds). */
  lastRefresh: string | null;
}

export type StorageErrorKind =
  | "missing" // ENOENT
  | "unreadable" // EACCES, a directory or FIFO in its place, bytes that are not UTF-8, any other I/O error
  | "too-large" // over AUTH_JSON_BYTES_MAX
  | "empty" // zero bytes or only whitespace
  | "truncated" // starts like a JSON object but ends early (a torn in-place write)
  | "not-json" // any other JSON syntax error
  | "wrong-type" // a field has the wrong JSON type or an unknown enum value
  | "missing-field" // a required field is absent
  | "duplicate-field" // a field of the schema appears twice in one object (serde rejects it; JSON.parse keeps the last)
  | "invalid-id-token" // tokens.id_token is not a 3-part JWT with a JSON payload, or a claim has a wrong type
  | "invalid-timestamp"; // last_refresh is not an RFC 3339 timestamp

/** An operating error about one auth.json; `field` is a dotted path like `tokens.id_token`. */
export interface StorageError {
  kind: StorageErrorKind;
  file: string;
  field?: string;
  /** Names the problem; never contains a token. */
  message: string;
}

export type SnapshotResult = { ok: true; snapshot: Snapshot } | { ok: false; error: StorageError };
