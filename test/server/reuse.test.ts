/**
 * Proves the server's answers to a refresh token it has already rotated out: 401 `refresh_token_reused`
 * with the real endpoint's body; with `revokeFamilyOnReuse` the whole family dies (even the winner's new
 * token); with `graceWindow` only the immediately previous token is answered (with the current tokens, no
 * rotation) while older ones stay reused; a token never issued is `refresh_token_invalidated`.
 */
import { describe, expect, it } from "vitest";
import { REFRESH_ERROR_CODES } from "../../model/vocabulary.js";
import { refresh, useTokenServers } from "./helpers.js";

const startServer = useTokenServers();

describe("reuse of a rotated-out token", () => {
  it("answers 401 refresh_token_reused with exactly the real endpoint's body shape", async () => {
    const server = await startServer();
    const family = server.createFamily();
    const winner = await refresh(server.tokenUrl, family.refreshToken);
    expect(winner.status).toBe(200);

    const loser = await refresh(server.tokenUrl, family.refreshToken);
    expect(loser.status).toBe(401);
    expect(loser.headers["content-type"]).toBe("application/json");
    expect(loser.body).toEqual({
      error: {
        code: "refresh_token_reused",
        message: expect.stringMatching(/^Your refresh token has already been used/),
      },
    });
    // Without revocation the winner's token still works.
    expect((await refresh(server.tokenUrl, winner.body.refresh_token)).status).toBe(200);
    expect(server.requests().map((record) => record.verdict)).toEqual(["rotated", "reused", "rotated"]);
  });

  it("with revokeFamilyOnReuse, kills the family: every token of it is then refresh_token_invalidated", async () => {
    const server = await startServer({ revokeFamilyOnReuse: true });
    const family = server.createFamily();
    const other = server.createFamily();
    const r1 = (await refresh(server.tokenUrl, family.refreshToken)).body.refresh_token as string;

    const reuse = await refresh(server.tokenUrl, family.refreshToken);
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe(REFRESH_ERROR_CODES.reused);

    for (const token of [r1, family.refreshToken]) {
      const answer = await refresh(server.tokenUrl, token);
      expect(answer.status).toBe(401);
      expect(answer.body.error.code).toBe(REFRESH_ERROR_CODES.invalidated);
    }
    const [revoked, untouched] = server.state().families;
    expect(revoked).toMatchObject({ revoked: true, revokedBySeq: 2, generation: 1 });
    expect(untouched?.revoked).toBe(false);
    expect((await refresh(server.tokenUrl, other.refreshToken)).status).toBe(200);
    expect(server.requests().map((record) => [record.verdict, record.staleSend])).toEqual([
      ["rotated", false],
      ["reused", true],
      ["revoked", false], // r1 was the family's current token when it was revoked
      ["revoked", true],
      ["rotated", false],
    ]);
  });

  it("answers a token it never issued with 401 refresh_token_invalidated (verdict unknown)", async () => {
    const server = await startServer();
    server.createFamily();
    const answer = await refresh(server.tokenUrl, "rt_never_issued_by_this_server_000");
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe(REFRESH_ERROR_CODES.invalidated);
    expect(server.requests()[0]).toMatchObject({ verdict: "unknown", familyId: null, staleSend: false });
  });
});

describe("grace window", () => {
  it("answers the immediately previous token with the current tokens, without rotating again", async () => {
    const server = await startServer({ graceWindow: true });
    const family = server.createFamily();
    const rotated = await refresh(server.tokenUrl, family.refreshToken);

    // The retry after a lost response: same token again, same answer, still generation 1.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const retry = await refresh(server.tokenUrl, family.refreshToken);
      expect(retry.status).toBe(200);
      expect(retry.body).toEqual(rotated.body);
    }
    expect(server.state().families[0]?.generation).toBe(1);
    expect(server.requests().map((record) => [record.verdict, record.staleSend])).toEqual([
      ["rotated", false],
      ["grace", true],
      ["grace", true],
    ]);
  });

  it("accepts only the immediately previous token: older ones are still reused", async () => {
    const server = await startServer({ graceWindow: true });
    const r0 = server.createFamily().refreshToken;
    const r1 = (await refresh(server.tokenUrl, r0)).body.refresh_token as string;
    const r2 = (await refresh(server.tokenUrl, r1)).body.refresh_token as string;

    const older = await refresh(server.tokenUrl, r0);
    expect(older.status).toBe(401);
    expect(older.body.error.code).toBe(REFRESH_ERROR_CODES.reused);

    const previous = await refresh(server.tokenUrl, r1);
    expect(previous.status).toBe(200);
    expect(previous.body.refresh_token).toBe(r2);

    // The current token still rotates, after which r1 is no longer the previous one.
    const r3 = (await refresh(server.tokenUrl, r2)).body.refresh_token as string;
    expect(r3).not.toBe(r2);
    expect((await refresh(server.tokenUrl, r1)).status).toBe(401);
    expect((await refresh(server.tokenUrl, r2)).status).toBe(200);
  });

  it("with revocation too, the previous token is grace and an older one revokes the family", async () => {
    const server = await startServer({ graceWindow: true, revokeFamilyOnReuse: true });
    const r0 = server.createFamily().refreshToken;
    const r1 = (await refresh(server.tokenUrl, r0)).body.refresh_token as string;
    const r2 = (await refresh(server.tokenUrl, r1)).body.refresh_token as string;
    expect((await refresh(server.tokenUrl, r1)).status).toBe(200);
    expect(server.state().families[0]?.revoked).toBe(false);

    expect((await refresh(server.tokenUrl, r0)).body.error.code).toBe(REFRESH_ERROR_CODES.reused);
    expect((await refresh(server.tokenUrl, r2)).body.error.code).toBe(REFRESH_ERROR_CODES.invalidated);
    expect((await refresh(server.tokenUrl, r1)).body.error.code).toBe(REFRESH_ERROR_CODES.invalidated);
  });
});
