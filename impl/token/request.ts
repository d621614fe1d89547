/** What Codex sends to refresh: the URL (overridable per call by environment) and the JSON body. */
import { CODEX_CLIENT_ID } from "../../model/vocabulary.js";
import type { RefreshReason } from "../ports/types.js";

export const TOKEN_URL_DEFAULT = "https://auth.openai.com/oauth/token";
export const TOKEN_URL_OVERRIDE_VARIABLE = "CODEX_REFRESH_TOKEN_URL_OVERRIDE";

export type Environment = Readonly<Record<string, string | undefined>>;

/** Read on every call, as release builds of Codex do. An empty override counts as unset. */
export function tokenUrl(environment: Environment): string {
  const override = environment[TOKEN_URL_OVERRIDE_VARIABLE];
  return override !== undefined && override !== "" ? override : TOKEN_URL_DEFAULT;
}

/**
 * JSON, not form-encoded, no scope; Codex 0.171 adds `refresh_reason: "scheduled"` to a proactive refresh,
 * earlier versions send no reason.
 */
export function refreshRequestBody(refreshToken: string, reason?: RefreshReason): string {
  return JSON.stringify({
    client_id: CODEX_CLIENT_ID,
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    ...(reason === undefined ? {} : { refresh_reason: reason }),
  });
}
