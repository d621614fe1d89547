/**
 * The loopback token server: single-use rotating refresh tokens per family, reuse detection, optional
 * family revocation and grace window, injected faults, and a record of every token request.
 * Import from here only; the other files in server/ are its parts.
 */

export { CONTROL_ROUTES } from "./control.js";
export { checkFaultSpec, type FaultSpecCheck } from "./faults.js";
export { type ExistingFixture, familySnapshot, writeFamilyAuthJson } from "./fixture.js";
export { SENDER_PARAMETER, TOKEN_PATH } from "./http.js";
export { LOOPBACK_HOST, startTokenServer } from "./start.js";
export { LIMIT_REACHED_CODE } from "./token-endpoint.js";
export { OAUTH_BAD_REQUEST_CODES } from "./token-request.js";
export {
  ACCESS_TOKEN_STYLES,
  type AccessTokenStyle,
  type CreateFamilyOptions,
  DEFAULT_ACCESS_TOKEN_TTL_SECONDS,
  DEFAULT_LIMITS,
  FAULT_KINDS,
  type FamilyState,
  type FamilyTokens,
  type FaultKind,
  type FaultSpec,
  isFaultKind,
  type RequestRecord,
  type ServerState,
  type TokenIdentity,
  type TokenServer,
  TokenServerLimitError,
  type TokenServerLimits,
  type TokenServerOptions,
  VERDICTS,
  type Verdict,
} from "./types.js";
export { formatRequestLine, redactRecord, redactState } from "./views.js";
