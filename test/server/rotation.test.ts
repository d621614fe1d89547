/**
 * Proves that the token server rotates like the real endpoint: each current refresh token is redeemed
 * exactly once for a fresh refresh token, a fresh access token (JWT with exp = now + TTL, or `at-R<n>`)
 * and an id_token carrying the claims Codex reads; families rotate independently.
 */
import { describe, expect, it } from "vitest";
import { decodeJwt, OPENAI_AUTH_CLAIM } from "../../impl/storage/jwt.js";
import { refresh, refreshBody, send, useTokenServers } from "./helpers.js";

const startServer = useTokenServers();
const REFRESH_TOKEN_SHAPE = /^rt_[A-Za-z0-9_-]{20,}$/;

function claims(token: string): Record<string, unknown> {
  const decoded = decodeJwt(token);
  if (!decoded.ok) throw new Error(`not a JWT: ${decoded.problem}`);
  return decoded.claims;
}

describe("rotation", () => {
  it("rotates R0 -> R1 -> R2, each answer a fresh set of tokens", async () => {
    const server = await startServer();
    const r0 = server.createFamily();
    expect(r0.refreshToken).toMatch(REFRESH_TOKEN_SHAPE);

    const first = await refresh(server.tokenUrl, r0.refreshToken);
    expect(first.status).toBe(200);
    expect(Object.keys(first.body).sort()).toEqual(["access_token", "id_token", "refresh_token"]);
    const r1 = first.body.refresh_token as string;
    expect(r1).toMatch(REFRESH_TOKEN_SHAPE);
    expect(r1).not.toBe(r0.refreshToken);
    expect(first.body.access_token).not.toBe(r0.accessToken);

    const second = await refresh(server.tokenUrl, r1);
    expect(second.status).toBe(200);
    const r2 = second.body.refresh_token as string;
    expect(new Set([r0.refreshToken, r1, r2]).size).toBe(3);
    expect(second.body.access_token).not.toBe(first.body.access_token);

    const [family] = server.state().families;
    expect(family?.generation).toBe(2);
    expect(family?.refreshToken).toBe(r2);
    expect(family?.rotatedOut).toEqual([r0.refreshToken, r1]);
    expect(server.requests().map((record) => [record.verdict, record.tokenGeneration])).toEqual([
      ["rotated", 0],
      ["rotated", 1],
    ]);
  });

  it("issues JWT access tokens with exp = now + TTL and id_tokens with Codex's claims", async () => {
    const nowMs = Date.UTC(2026, 2, 23, 12, 0, 0);
    const server = await startServer({ now: () => nowMs, accessTokenTtlSeconds: 120 });
    const family = server.createFamily({ accountId: "acct-9", email: "nine@example.com", planType: "pro" });
    expect(claims(family.accessToken).exp).toBe(nowMs / 1000 + 120);

    const answer = await refresh(server.tokenUrl, family.refreshToken);
    expect(claims(answer.body.access_token).exp).toBe(nowMs / 1000 + 120);
    const id = claims(answer.body.id_token);
    expect(id.email).toBe("nine@example.com");
    expect(id[OPENAI_AUTH_CLAIM]).toEqual({
      chatgpt_account_id: "acct-9",
      chatgpt_user_id: expect.any(String),
      chatgpt_plan_type: "pro",
    });
    expect(claims(family.idToken)[OPENAI_AUTH_CLAIM]).toMatchObject({ chatgpt_account_id: "acct-9" });
  });

  it("defaults to a one-hour access token TTL", async () => {
    const nowMs = Date.UTC(2026, 0, 1);
    const server = await startServer({ now: () => nowMs });
    expect(claims(server.createFamily().accessToken).exp).toBe(nowMs / 1000 + 3600);
  });

  it("issues opaque at-R<n> access tokens server-wide or per family", async () => {
    const server = await startServer({ accessTokenStyle: "opaque" });
    const opaque = server.createFamily();
    expect(opaque.accessToken).toBe("at-R0");
    const first = await refresh(server.tokenUrl, opaque.refreshToken);
    expect(first.body.access_token).toBe("at-R1");
    expect((await refresh(server.tokenUrl, first.body.refresh_token)).body.access_token).toBe("at-R2");

    const jwt = server.createFamily({ accessToken: "jwt" });
    expect(decodeJwt(jwt.accessToken).ok).toBe(true);
    const perFamily = await startServer();
    expect(perFamily.createFamily({ accessToken: "opaque" }).accessToken).toBe("at-R0");
  });

  it("keeps families apart: rotating one leaves the other at R0", async () => {
    const server = await startServer();
    const a = server.createFamily({ accountId: "acct-a" });
    const b = server.createFamily({ accountId: "acct-b" });
    expect(a.familyId).not.toBe(b.familyId);
    expect((await refresh(server.tokenUrl, a.refreshToken)).status).toBe(200);
    expect((await refresh(server.tokenUrl, b.refreshToken)).status).toBe(200);
    const generations = server.state().families.map((family) => [family.accountId, family.generation]);
    expect(generations).toEqual([
      ["acct-a", 1],
      ["acct-b", 1],
    ]);
  });

  it("accepts Codex 0.171's refresh_reason and records it", async () => {
    const server = await startServer();
    const family = server.createFamily();
    const answer = await send(
      server.tokenUrl,
      "POST",
      refreshBody(family.refreshToken, { refresh_reason: "scheduled" }),
    );
    expect(answer.status).toBe(200);
    expect(server.requests()[0]?.refreshReason).toBe("scheduled");
  });
});
