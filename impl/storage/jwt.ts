/**
 * Unsigned JWTs as Codex reads them: three base64url parts, a JSON payload, any non-empty signature.
 * Codex never verifies the signature; it reads claims (email, account id, plan) and `exp`.
 */

export type JwtClaims = Record<string, unknown>;

/** Where ChatGPT's claims live inside the id_token payload. */
export const OPENAI_AUTH_CLAIM = "https://api.openai.com/auth";

export type JwtDecodeResult = { ok: true; claims: JwtClaims } | { ok: false; problem: string };

const JWT_PARTS = 3;

export function encodeJwt(claims: JwtClaims): string {
  const header = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${header}.${payload}.authrace`;
}

/** Decodes the payload; a problem names what is wrong without echoing the token. */
export function decodeJwt(token: string): JwtDecodeResult {
  const parts = token.split(".");
  if (parts.length !== JWT_PARTS) {
    return { ok: false, problem: `expected 3 dot-separated parts, found ${parts.length}` };
  }
  const [, payload, signature] = parts;
  if (!payload) return { ok: false, problem: "empty payload" };
  if (!signature) return { ok: false, problem: "empty signature" };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return { ok: false, problem: "payload is not base64url JSON" };
  }
  if (typeof claims !== "object" || claims === null || Array.isArray(claims)) {
    return { ok: false, problem: "payload is not a JSON object" };
  }
  return { ok: true, claims: claims as JwtClaims };
}

/** The `exp` claim in epoch seconds, when the token is a JWT that has one. */
export function jwtExpirySeconds(token: string): number | undefined {
  const decoded = decodeJwt(token);
  if (!decoded.ok) return undefined;
  const exp = decoded.claims.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp : undefined;
}
