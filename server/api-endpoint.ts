/**
 * `GET /backend-api/me`: the API a Codex process calls with its access token, reduced to the one thing
 * authrace asks of it: is this access token still accepted? 200 while it is; 401 once it expired (its JWT
 * `exp` passed on the server's clock) or, unless `expiryOnly`, once its refresh token was rotated out or its
 * family revoked. A 401 is what starts Codex's 401 recovery. Nothing is rotated or recorded here.
 */
import { jwtExpirySeconds } from "../impl/storage/jwt.js";
import { API_PATH } from "../impl/token/api.js";
import type { TokenLedger } from "./ledger.js";
import { openAiError, type Reply } from "./token-endpoint.js";

export { API_PATH };

const MS_PER_SECOND = 1_000;
const BEARER = /^Bearer (\S+)$/;

export interface ApiPolicy {
  /** Judge an access token by its `exp` alone (a stateless JWT check). */
  expiryOnly: boolean;
  now: () => number;
}

function unauthorized(code: string, message: string): Reply {
  return openAiError(401, code, message);
}

export function answerApiRequest(
  ledger: TokenLedger,
  policy: ApiPolicy,
  method: string,
  authorization: string | undefined,
): Reply {
  if (method !== "GET")
    return openAiError(405, "invalid_request", `method ${method} not allowed on ${API_PATH}`);
  const token = BEARER.exec(authorization ?? "")?.[1];
  if (token === undefined) return unauthorized("missing_token", "no Bearer access token in Authorization");
  const identity = ledger.identify(token);
  if (!identity.known || identity.kind !== "access") {
    return unauthorized("invalid_token", "this access token was not issued by this server");
  }
  const exp = jwtExpirySeconds(token);
  if (exp !== undefined && exp * MS_PER_SECOND <= policy.now()) {
    return unauthorized("token_expired", "the access token has expired");
  }
  const family = ledger.familyState(identity.familyId);
  if (family === null) return unauthorized("invalid_token", "this access token's family is unknown");
  if (!policy.expiryOnly) {
    if (family.revoked) return unauthorized("token_revoked", "the access token's family was revoked");
    if (identity.generation !== family.generation) {
      return unauthorized("token_rotated_out", "the access token's refresh token was rotated out");
    }
  }
  return { status: 200, body: { account_id: family.accountId } };
}
