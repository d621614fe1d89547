/**
 * Codex's classification of a token endpoint answer (codex-rs `classify_refresh_token_failure`, 0.117-0.135):
 * - 2xx: a JSON object `{id_token?, access_token?, refresh_token?}`; anything else is a decode failure. So is a
 *   token that is present but empty or malformed: access and refresh tokens must be 1*VSCHAR (RFC 6749,
 *   Appendix A: printable ASCII, space included, at most TOKEN_CHARACTERS_MAX), the id_token a JWT. Saving ""
 *   would make every later refresh POST "" and fail; refusing the answer keeps the old token on disk (the
 *   server rotated it, so this is a lost response, which a grace window or a new login recovers).
 * - 401: permanent. The code comes from `{"error":{"code":X}}`, `{"error":"X"}` or `{"code":X}`, lower-cased:
 *   refresh_token_expired -> expired, refresh_token_reused -> exhausted, refresh_token_invalidated -> revoked,
 *   anything else (or none) -> other.
 * - any other status: transient, carrying the body's error code. From 0.136 a known code is permanent on any
 *   status: the designs that follow 0.136+ say so (`knownCodePermanentOnAnyStatus`), and the manager
 *   promotes such an answer with `promoteKnownCode`.
 * Messages name status and code only: a response body may hold tokens and is never echoed.
 */
import { REFRESH_ERROR_CODES } from "../../model/vocabulary.js";
import type { PermanentReason, RefreshFailure, RefreshResult } from "../ports/types.js";
import { parseIdToken, type RefreshedTokens } from "../storage/index.js";

const UNAUTHORIZED_STATUS = 401;

const REASON_BY_CODE: Record<string, PermanentReason> = {
  [REFRESH_ERROR_CODES.expired]: "expired",
  [REFRESH_ERROR_CODES.reused]: "exhausted",
  [REFRESH_ERROR_CODES.invalidated]: "revoked",
};

/** A user-facing message per permanent reason (paraphrasing Codex's). */
const PERMANENT_MESSAGES: Record<PermanentReason, string> = {
  expired: "Your refresh token has expired. Please log out and sign in again.",
  exhausted:
    "Your refresh token has already been used to generate a new access token. Please try signing in again.",
  revoked: "Your refresh token was revoked. Please log out and sign in again.",
  other: "Your access token could not be refreshed. Please log out and sign in again.",
};

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function extractErrorCode(body: string): string | null {
  const json = parseJson(body);
  if (!isObject(json)) return null;
  const { error, code } = json;
  if (isObject(error) && typeof error.code === "string") return error.code.toLowerCase();
  if (typeof error === "string") return error.toLowerCase();
  if (typeof code === "string") return code.toLowerCase();
  return null;
}

function decodeFailure(status: number, problem: string): RefreshResult {
  return {
    ok: false,
    failure: { kind: "transient", cause: "decode", status, message: `HTTP ${status}: ${problem}` },
  };
}

/** A token endpoint's tokens are a few kilobytes; a longer one is not a token (a named limit). */
export const TOKEN_CHARACTERS_MAX = 16 * 1024;

/** RFC 6749 Appendix A: VSCHAR = %x20-7E. */
const VSCHARS = /^[\x20-\x7e]+$/;

type OptionalField = { ok: true; value: string | undefined } | { ok: false; problem: string };

function optionalString(object: Record<string, unknown>, key: string): OptionalField {
  const value = object[key];
  if (value === undefined || value === null) return { ok: true, value: undefined };
  return typeof value === "string" ? { ok: true, value } : { ok: false, problem: `${key} is not a string` };
}

/** An access or refresh token: present -> 1*VSCHAR within TOKEN_CHARACTERS_MAX. Never echoes the value. */
function optionalToken(object: Record<string, unknown>, key: string): OptionalField {
  const field = optionalString(object, key);
  if (!field.ok || field.value === undefined) return field;
  const { value } = field;
  if (value === "") return { ok: false, problem: `${key} is empty` };
  if (value.length > TOKEN_CHARACTERS_MAX) {
    return { ok: false, problem: `${key} is over ${TOKEN_CHARACTERS_MAX} characters (TOKEN_CHARACTERS_MAX)` };
  }
  if (!VSCHARS.test(value)) {
    return { ok: false, problem: `${key} has a character outside printable ASCII (RFC 6749 VSCHAR)` };
  }
  return field;
}

function decodeTokens(status: number, body: string): RefreshResult {
  const json = parseJson(body);
  if (!isObject(json)) return decodeFailure(status, "response is not a JSON object");
  const idToken = optionalString(json, "id_token");
  const accessToken = optionalToken(json, "access_token");
  const refreshToken = optionalToken(json, "refresh_token");
  if (!idToken.ok) return decodeFailure(status, idToken.problem);
  if (!accessToken.ok) return decodeFailure(status, accessToken.problem);
  if (!refreshToken.ok) return decodeFailure(status, refreshToken.problem);
  const tokens: RefreshedTokens = {};
  if (idToken.value !== undefined) {
    const parsed = parseIdToken(idToken.value);
    if (!parsed.ok) return decodeFailure(status, `id_token is not a valid JWT: ${parsed.problem}`);
    tokens.idToken = parsed.idToken;
  }
  if (accessToken.value !== undefined) tokens.accessToken = accessToken.value;
  if (refreshToken.value !== undefined) tokens.refreshToken = refreshToken.value;
  return { ok: true, status, tokens };
}

export function classifyResponse(status: number, body: string): RefreshResult {
  if (status >= 200 && status < 300) return decodeTokens(status, body);
  if (status === UNAUTHORIZED_STATUS) {
    const code = extractErrorCode(body);
    const reason = (code !== null ? REASON_BY_CODE[code] : undefined) ?? "other";
    const message = `HTTP 401 ${code ?? "(no code)"}: ${PERMANENT_MESSAGES[reason]}`;
    return { ok: false, failure: { kind: "permanent", reason, status, code, message } };
  }
  const message = `HTTP ${status} from the token endpoint`;
  const code = extractErrorCode(body);
  return { ok: false, failure: { kind: "transient", cause: "status", status, message, code } };
}

/** 0.136+: a transient answer whose body names a known refresh error code is permanent, on any status. */
export function promoteKnownCode(failure: RefreshFailure): RefreshFailure {
  if (failure.kind !== "transient" || failure.status === null || !failure.code) return failure;
  const reason = REASON_BY_CODE[failure.code];
  if (reason === undefined) return failure;
  const { status, code } = failure;
  return {
    kind: "permanent",
    reason,
    status,
    code,
    message: `HTTP ${status} ${code}: ${PERMANENT_MESSAGES[reason]}`,
  };
}
