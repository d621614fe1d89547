/**
 * Validating Codex's refresh request: a JSON body (not form-encoded)
 * `{"client_id":"app_EMoamEEZ73f0CkXaXp7hrann","grant_type":"refresh_token","refresh_token":"<rt>"}`,
 * plus `refresh_reason` from 0.171. Other fields are ignored, like the real endpoint does.
 */
import { CODEX_CLIENT_ID } from "../model/vocabulary.js";

/** RFC 6749 s.5.2 error codes used for malformed requests. */
export const OAUTH_BAD_REQUEST_CODES = {
  invalidRequest: "invalid_request",
  invalidClient: "invalid_client",
  unsupportedGrantType: "unsupported_grant_type",
} as const;

export interface TokenRequest {
  refreshToken: string;
  refreshReason: string | null;
}

export type TokenRequestParse =
  | { ok: true; request: TokenRequest }
  | {
      ok: false;
      code: string;
      description: string;
      /** The refresh token, when the body carried one, so the log can still show who sent what. */
      refreshToken: string | null;
    };

export function parseJsonObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

export function parseTokenRequest(text: string): TokenRequestParse {
  const body = parseJsonObject(text);
  if (!body) {
    return {
      ok: false,
      code: OAUTH_BAD_REQUEST_CODES.invalidRequest,
      description: "body must be a JSON object",
      refreshToken: null,
    };
  }
  const refreshToken =
    typeof body.refresh_token === "string" && body.refresh_token !== "" ? body.refresh_token : null;
  const reject = (code: string, description: string): TokenRequestParse => ({
    ok: false,
    code,
    description,
    refreshToken,
  });
  if (body.client_id !== CODEX_CLIENT_ID) {
    return reject(OAUTH_BAD_REQUEST_CODES.invalidClient, "unknown client_id");
  }
  if (body.grant_type !== "refresh_token") {
    return reject(OAUTH_BAD_REQUEST_CODES.unsupportedGrantType, "grant_type must be refresh_token");
  }
  if (refreshToken === null) {
    return reject(OAUTH_BAD_REQUEST_CODES.invalidRequest, "refresh_token must be a non-empty string");
  }
  const refreshReason = typeof body.refresh_reason === "string" ? body.refresh_reason : null;
  return { ok: true, request: { refreshToken, refreshReason } };
}
