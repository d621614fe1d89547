/**
 * Proves that the token server tells which issued token a string is (what trace validation maps tokens to
 * generations with): refresh and access tokens of every generation, across a real rotation over HTTP; a token
 * never issued is said to be so; an opaque `at-R0` issued to two families is ambiguous, never guessed; and
 * `firstAccessToken` gives R0 alone an opaque access token.
 */
import { describe, expect, it } from "vitest";
import { refresh, useTokenServers } from "./helpers.js";

const start = useTokenServers();

describe("identifyToken", () => {
  it("names family and generation of refresh and access tokens, old and new", async () => {
    const server = await start({ accessTokenStyle: "jwt" });
    const r0 = server.createFamily();
    const answer = await refresh(server.tokenUrl, r0.refreshToken);
    expect(answer.status).toBe(200);
    const r1 = answer.body as { refresh_token: string; access_token: string };
    expect(server.identifyToken(r0.refreshToken)).toEqual({
      known: true,
      kind: "refresh",
      familyId: r0.familyId,
      generation: 0,
    });
    expect(server.identifyToken(r0.accessToken)).toMatchObject({ kind: "access", generation: 0 });
    expect(server.identifyToken(r1.refresh_token)).toMatchObject({ kind: "refresh", generation: 1 });
    expect(server.identifyToken(r1.access_token)).toMatchObject({ kind: "access", generation: 1 });
    expect(server.identifyToken("rt_never")).toEqual({ known: false, reason: "never-issued" });
  });

  it("calls an opaque access token issued to two families ambiguous", async () => {
    const server = await start({ accessTokenStyle: "opaque" });
    const first = server.createFamily();
    server.createFamily();
    expect(first.accessToken).toBe("at-R0");
    expect(server.identifyToken("at-R0")).toEqual({ known: false, reason: "ambiguous" });
  });

  it("gives R0 alone an opaque access token with firstAccessToken", async () => {
    const server = await start({ accessTokenStyle: "jwt" });
    const family = server.createFamily({ firstAccessToken: "opaque" });
    expect(family.accessToken).toBe("at-R0");
    const answer = await refresh(server.tokenUrl, family.refreshToken);
    expect((answer.body as { access_token: string }).access_token.split(".")).toHaveLength(3);
  });
});
