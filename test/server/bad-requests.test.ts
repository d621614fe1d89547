/**
 * Proves that malformed token requests get an OAuth-style 400 (`{"error","error_description"}`) and change
 * nothing, that wrong methods and paths are refused, and that every limit is a clear error naming the
 * limit: request body size (413), families (throw / 507), recorded requests (507, counted, unrecorded).
 */
import { describe, expect, it } from "vitest";
import { CODEX_CLIENT_ID } from "../../model/vocabulary.js";
import { LIMIT_REACHED_CODE, TokenServerLimitError } from "../../server/index.js";
import { control, getJson, refresh, refreshBody, send, useTokenServers } from "./helpers.js";

const startServer = useTokenServers();

describe("bad token requests", () => {
  const cases: [string, (token: string) => string, string][] = [
    ["non-JSON", () => "refresh_token=abc", "invalid_request"],
    ["a JSON array", () => "[]", "invalid_request"],
    ["an empty body", () => "", "invalid_request"],
    [
      "a wrong client_id",
      (token) =>
        JSON.stringify({ client_id: "app_other", grant_type: "refresh_token", refresh_token: token }),
      "invalid_client",
    ],
    [
      "a wrong grant_type",
      (token) =>
        JSON.stringify({
          client_id: CODEX_CLIENT_ID,
          grant_type: "authorization_code",
          refresh_token: token,
        }),
      "unsupported_grant_type",
    ],
    [
      "no refresh_token",
      () => JSON.stringify({ client_id: CODEX_CLIENT_ID, grant_type: "refresh_token" }),
      "invalid_request",
    ],
    ["an empty refresh_token", () => refreshBody(""), "invalid_request"],
    [
      "a numeric refresh_token",
      () => JSON.stringify({ client_id: CODEX_CLIENT_ID, grant_type: "refresh_token", refresh_token: 7 }),
      "invalid_request",
    ],
  ];

  it.each(cases)("answers %s with 400 and rotates nothing", async (_, body, code) => {
    const server = await startServer();
    const family = server.createFamily();
    const answer = await send(server.tokenUrl, "POST", body(family.refreshToken));
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: code, error_description: expect.any(String) });
    expect(server.state().families[0]?.generation).toBe(0);
    expect(server.requests()[0]).toMatchObject({
      verdict: "bad-request",
      status: 400,
      code,
      staleSend: false,
    });
    expect((await refresh(server.tokenUrl, family.refreshToken)).status).toBe(200);
  });

  it("records the token of a bad request when it carried one", async () => {
    const server = await startServer();
    const family = server.createFamily();
    const body = JSON.stringify({
      client_id: "app_other",
      grant_type: "refresh_token",
      refresh_token: family.refreshToken,
    });
    await send(server.tokenUrl, "POST", body);
    expect(server.requests()[0]).toMatchObject({
      refreshToken: family.refreshToken,
      familyId: family.familyId,
    });
  });

  it("answers other methods on /oauth/token with 405 and unknown paths with 404", async () => {
    const server = await startServer();
    const get = await getJson(server.tokenUrl);
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe("POST");
    expect(server.requests()[0]).toMatchObject({ method: "GET", verdict: "bad-request", status: 405 });
    expect((await getJson(`${server.url}/nowhere`)).status).toBe(404);
    expect((await control(server, "/state", "POST", "{}")).status).toBe(405);
  });
});

describe("limits", () => {
  it("answers a body over requestBodyMaxBytes with 413 naming the limit", async () => {
    const server = await startServer({ limits: { requestBodyMaxBytes: 256 } });
    const family = server.createFamily();
    const answer = await send(
      server.tokenUrl,
      "POST",
      refreshBody(family.refreshToken, { padding: "x".repeat(4096) }),
    );
    expect(answer.status).toBe(413);
    expect(answer.body.error_description).toContain("requestBodyMaxBytes (256)");
    expect(server.requests()[0]).toMatchObject({ verdict: "bad-request", status: 413, refreshToken: null });
    expect((await control(server, "/control/family", "POST", "x".repeat(300))).status).toBe(413);
    expect((await refresh(server.tokenUrl, family.refreshToken)).status).toBe(200);
  });

  it("refuses a family past familiesMax: createFamily throws, POST /control/family answers 507", async () => {
    const server = await startServer({ limits: { familiesMax: 2 } });
    server.createFamily();
    const overHttp = await control(server, "/control/family", "POST", "");
    expect(overHttp.status).toBe(200);
    expect(() => server.createFamily()).toThrow(TokenServerLimitError);
    expect(() => server.createFamily()).toThrow(/familiesMax \(2\)/);
    const refused = await control(server, "/control/family", "POST", "{}");
    expect(refused.status).toBe(507);
    expect(refused.body.error).toEqual({
      code: LIMIT_REACHED_CODE,
      message: expect.stringContaining("familiesMax"),
    });
    expect(server.state().families).toHaveLength(2);
  });

  it("refuses token requests past recordedRequestsMax with 507, unrecorded and unrotated, and counts them", async () => {
    const limitMessages: string[] = [];
    const server = await startServer({
      limits: { recordedRequestsMax: 2 },
      onLimitReached: (message) => limitMessages.push(message),
    });
    const family = server.createFamily();
    const r1 = (await refresh(server.tokenUrl, family.refreshToken)).body.refresh_token as string;
    await refresh(server.tokenUrl, family.refreshToken);

    const refused = await refresh(server.tokenUrl, r1);
    expect(refused.status).toBe(507);
    expect(refused.body.error.message).toContain("recordedRequestsMax (2)");
    expect(server.requests()).toHaveLength(2);
    expect(server.state()).toMatchObject({ recordedRequests: 2, refusedRequests: 1 });
    expect(server.state().families[0]?.generation).toBe(1);
    expect(limitMessages).toEqual([expect.stringContaining("recordedRequestsMax")]);
  });

  it("rejects impossible options before listening", async () => {
    await expect(startServer({ port: 70_000 })).rejects.toThrow(/port/);
    await expect(startServer({ limits: { familiesMax: 0 } })).rejects.toThrow(/familiesMax/);
    await expect(startServer({ accessTokenTtlSeconds: 1.5 })).rejects.toThrow(/accessTokenTtlSeconds/);
  });
});
