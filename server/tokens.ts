/**
 * Minting the tokens the real endpoint hands out: opaque `rt_...` refresh tokens, access tokens (a JWT
 * with `exp`, or Codex-fixture style `at-R<n>`), and an id_token carrying the claims Codex reads.
 */
import { randomBytes } from "node:crypto";
import { encodeJwt, OPENAI_AUTH_CLAIM } from "../impl/storage/jwt.js";
import { CODEX_CLIENT_ID } from "../model/vocabulary.js";
import type { AccessTokenStyle } from "./types.js";

/** 32 random bytes: `rt_` + 43 base64url characters, never guessable, never repeated in practice. */
const REFRESH_TOKEN_RANDOM_BYTES = 32;
const TOKEN_ID_RANDOM_BYTES = 12;
const ISSUER = "https://auth.openai.com";
const MS_PER_SECOND = 1_000;

export interface Identity {
  accountId: string;
  email: string;
  userId: string;
  planType: string;
}

export interface IssuedTokens {
  refreshToken: string;
  accessToken: string;
  idToken: string;
}

export interface MintRequest {
  identity: Identity;
  generation: number;
  accessTokenStyle: AccessTokenStyle;
  accessTokenTtlSeconds: number;
  nowMs: number;
}

function mintRefreshToken(): string {
  return `rt_${randomBytes(REFRESH_TOKEN_RANDOM_BYTES).toString("base64url")}`;
}

function authClaims(identity: Identity): Record<string, string> {
  return {
    chatgpt_account_id: identity.accountId,
    chatgpt_user_id: identity.userId,
    chatgpt_plan_type: identity.planType,
  };
}

function mintAccessToken(request: MintRequest): string {
  if (request.accessTokenStyle === "opaque") return `at-R${request.generation}`;
  const issuedAt = Math.floor(request.nowMs / MS_PER_SECOND);
  return encodeJwt({
    iss: ISSUER,
    sub: request.identity.userId,
    iat: issuedAt,
    exp: issuedAt + request.accessTokenTtlSeconds,
    // A fresh id per token: two rotations within one second still give different access tokens.
    jti: randomBytes(TOKEN_ID_RANDOM_BYTES).toString("base64url"),
    [OPENAI_AUTH_CLAIM]: authClaims(request.identity),
  });
}

function mintIdToken(request: MintRequest): string {
  const issuedAt = Math.floor(request.nowMs / MS_PER_SECOND);
  return encodeJwt({
    iss: ISSUER,
    aud: CODEX_CLIENT_ID,
    sub: request.identity.userId,
    iat: issuedAt,
    exp: issuedAt + request.accessTokenTtlSeconds,
    email: request.identity.email,
    [OPENAI_AUTH_CLAIM]: authClaims(request.identity),
  });
}

export function mintTokens(request: MintRequest): IssuedTokens {
  return {
    refreshToken: mintRefreshToken(),
    accessToken: mintAccessToken(request),
    idToken: mintIdToken(request),
  };
}
