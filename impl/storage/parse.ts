/**
 * Parses auth.json text into a Snapshot, as serde does in Codex: unknown fields are ignored, a wrong type
 * anywhere fails the whole file (Codex then treats the user as logged out). Every failure is a typed error
 * naming the file and the field; messages describe types and positions, never token values.
 */
import { duplicateKeys } from "./duplicate-keys.js";
import { parseIdToken } from "./id-token.js";
import {
  AUTH_MODES,
  type AuthMode,
  type Snapshot,
  type SnapshotResult,
  type StorageError,
} from "./schema.js";

type JsonObject = Record<string, unknown>;
type FieldResult<T> = { ok: true; value: T } | { ok: false; error: StorageError };

/**
 * The fields of Codex's `AuthDotJson` and `TokenData` structs, by the path of the object holding them: serde's
 * derive rejects any of these given twice, and ignores every other key (however often it repeats).
 */
const SCHEMA_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "": ["auth_mode", "OPENAI_API_KEY", "tokens", "last_refresh"],
  tokens: ["id_token", "access_token", "refresh_token", "account_id"],
};

/** RFC 3339 as chrono writes it: date, `T`, time, optional fraction, `Z` or an offset. */
const RFC3339_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function failure(file: string, kind: StorageError["kind"], message: string, field?: string): StorageError {
  return field === undefined ? { kind, file, message } : { kind, file, field, message };
}

function requiredString(file: string, object: JsonObject, key: string, field: string): FieldResult<string> {
  const value = object[key];
  if (value === undefined || value === null) {
    return { ok: false, error: failure(file, "missing-field", `${field} is missing`, field) };
  }
  if (typeof value !== "string") {
    const message = `${field} must be a string, found ${describeType(value)}`;
    return { ok: false, error: failure(file, "wrong-type", message, field) };
  }
  return { ok: true, value };
}

function optionalString(
  file: string,
  object: JsonObject,
  key: string,
  field: string,
): FieldResult<string | null> {
  const value = object[key];
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value !== "string") {
    const message = `${field} must be a string or null, found ${describeType(value)}`;
    return { ok: false, error: failure(file, "wrong-type", message, field) };
  }
  return { ok: true, value };
}

function parseAuthMode(file: string, root: JsonObject): FieldResult<AuthMode | null> {
  const mode = optionalString(file, root, "auth_mode", "auth_mode");
  if (!mode.ok) return mode;
  if (mode.value === null) return { ok: true, value: null };
  if ((AUTH_MODES as readonly string[]).includes(mode.value))
    return { ok: true, value: mode.value as AuthMode };
  const message = `auth_mode must be one of ${AUTH_MODES.join(", ")}`;
  return { ok: false, error: failure(file, "wrong-type", message, "auth_mode") };
}

function parseLastRefresh(file: string, root: JsonObject): FieldResult<string | null> {
  const text = optionalString(file, root, "last_refresh", "last_refresh");
  if (!text.ok || text.value === null) return text;
  if (RFC3339_PATTERN.test(text.value) && Number.isFinite(Date.parse(text.value))) return text;
  const message = "last_refresh is not an RFC 3339 timestamp";
  return { ok: false, error: failure(file, "invalid-timestamp", message, "last_refresh") };
}

function parseTokens(file: string, root: JsonObject): FieldResult<Snapshot["tokens"]> {
  const tokens = root.tokens;
  if (tokens === undefined || tokens === null) {
    // Codex accepts an API-key-only file; authrace manages ChatGPT tokens only, so here it is an error.
    return { ok: false, error: failure(file, "missing-field", "tokens is missing", "tokens") };
  }
  if (!isObject(tokens)) {
    const message = `tokens must be an object, found ${describeType(tokens)}`;
    return { ok: false, error: failure(file, "wrong-type", message, "tokens") };
  }
  const idTokenText = requiredString(file, tokens, "id_token", "tokens.id_token");
  if (!idTokenText.ok) return idTokenText;
  const idToken = parseIdToken(idTokenText.value);
  if (!idToken.ok) {
    const message = `tokens.id_token is not a valid JWT: ${idToken.problem}`;
    return { ok: false, error: failure(file, "invalid-id-token", message, "tokens.id_token") };
  }
  const accessToken = requiredString(file, tokens, "access_token", "tokens.access_token");
  if (!accessToken.ok) return accessToken;
  const refreshToken = requiredString(file, tokens, "refresh_token", "tokens.refresh_token");
  if (!refreshToken.ok) return refreshToken;
  const accountId = optionalString(file, tokens, "account_id", "tokens.account_id");
  if (!accountId.ok) return accountId;
  return {
    ok: true,
    value: {
      idToken: idToken.idToken,
      accessToken: accessToken.value,
      refreshToken: refreshToken.value,
      accountId: accountId.value,
    },
  };
}

function parseJson(file: string, text: string): FieldResult<unknown> {
  const trimmed = text.trim();
  if (trimmed.length === 0) return { ok: false, error: failure(file, "empty", "auth.json is empty") };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    // A torn in-place write leaves the start of an object without its end.
    if (trimmed.startsWith("{") && !trimmed.endsWith("}")) {
      return {
        ok: false,
        error: failure(file, "truncated", `auth.json is truncated (${text.length} bytes)`),
      };
    }
    return { ok: false, error: failure(file, "not-json", "auth.json is not valid JSON") };
  }
}

/** The first schema field given twice, as serde reports it; null when none is. */
function duplicateField(file: string, text: string): StorageError | null {
  for (const { path, key } of duplicateKeys(text)) {
    if (!(SCHEMA_FIELDS[path] ?? []).includes(key)) continue;
    const field = path === "" ? key : `${path}.${key}`;
    return failure(file, "duplicate-field", `duplicate field ${field} (Codex rejects the file)`, field);
  }
  return null;
}

/** Parses the text of the auth.json at `file` (the path is only used to name the file in errors). */
export function parseAuthJson(text: string, file: string): SnapshotResult {
  const json = parseJson(file, text);
  if (!json.ok) return json;
  const duplicate = duplicateField(file, text);
  if (duplicate !== null) return { ok: false, error: duplicate };
  if (!isObject(json.value)) {
    const message = `auth.json must be a JSON object, found ${describeType(json.value)}`;
    return { ok: false, error: failure(file, "wrong-type", message) };
  }
  const root = json.value;
  const authMode = parseAuthMode(file, root);
  if (!authMode.ok) return authMode;
  const openaiApiKey = optionalString(file, root, "OPENAI_API_KEY", "OPENAI_API_KEY");
  if (!openaiApiKey.ok) return openaiApiKey;
  const tokens = parseTokens(file, root);
  if (!tokens.ok) return tokens;
  const lastRefresh = parseLastRefresh(file, root);
  if (!lastRefresh.ok) return lastRefresh;
  return {
    ok: true,
    snapshot: {
      authMode: authMode.value,
      openaiApiKey: openaiApiKey.value,
      tokens: tokens.value,
      lastRefresh: lastRefresh.value,
    },
  };
}
