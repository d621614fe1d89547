/** The token client: Codex's refresh request, its error classification, and the undici adapters (token, API). */
export { API_PATH, API_URL_VARIABLE, type ApiClientOptions, apiUrl, createApiClient } from "./api.js";
export { classifyResponse, extractErrorCode } from "./classify.js";
export {
  createTokenClient,
  REFRESH_TIMEOUT_MS,
  RESPONSE_BYTES_MAX,
  type TokenClientOptions,
} from "./client.js";
export {
  type Environment,
  refreshRequestBody,
  TOKEN_URL_DEFAULT,
  TOKEN_URL_OVERRIDE_VARIABLE,
  tokenUrl,
} from "./request.js";
