/**
 * Reads the claims Codex takes from the id_token (codex-rs `token_data.rs`, `parse_id_token`): `email`, and
 * under `https://api.openai.com/auth` the ChatGPT account id, user id and plan type. A claim with a wrong JSON
 * type fails the parse, as serde does.
 */
import { decodeJwt, type JwtClaims, OPENAI_AUTH_CLAIM } from "./jwt.js";
import type { IdTokenInfo } from "./schema.js";

export type IdTokenResult = { ok: true; idToken: IdTokenInfo } | { ok: false; problem: string };

function optionalString(claims: JwtClaims, name: string): { ok: true; value: string | null } | { ok: false } {
  const value = claims[name];
  if (value === undefined || value === null) return { ok: true, value: null };
  return typeof value === "string" ? { ok: true, value } : { ok: false };
}

export function parseIdToken(raw: string): IdTokenResult {
  const decoded = decodeJwt(raw);
  if (!decoded.ok) return { ok: false, problem: decoded.problem };
  const email = optionalString(decoded.claims, "email");
  if (!email.ok) return { ok: false, problem: "claim email is not a string" };
  const auth = decoded.claims[OPENAI_AUTH_CLAIM] ?? {};
  if (typeof auth !== "object" || auth === null || Array.isArray(auth)) {
    return { ok: false, problem: `claim ${OPENAI_AUTH_CLAIM} is not an object` };
  }
  const authClaims = auth as JwtClaims;
  const accountId = optionalString(authClaims, "chatgpt_account_id");
  const userId = optionalString(authClaims, "chatgpt_user_id");
  const planType = optionalString(authClaims, "chatgpt_plan_type");
  if (!accountId.ok || !userId.ok || !planType.ok) {
    return { ok: false, problem: `a claim under ${OPENAI_AUTH_CLAIM} is not a string` };
  }
  return {
    ok: true,
    idToken: {
      raw,
      email: email.value,
      chatgptAccountId: accountId.value,
      chatgptUserId: userId.value,
      chatgptPlanType: planType.value,
    },
  };
}
