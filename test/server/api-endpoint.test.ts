/**
 * Proves the API a 401 comes from (`GET /backend-api/me`) and the manager's real client of it, over real HTTP
 * on 127.0.0.1: the family's current, unexpired access token gets 200; a rotated-out, expired, revoked,
 * unknown or missing one gets 401; with `apiChecksExpiryOnly` a rotated-out one passes until it expires; the
 * client (impl/token/api.ts) maps 200, 401 and anything else, and finds the API beside the token URL.
 */
import { describe, expect, it } from "vitest";
import { API_URL_VARIABLE, apiUrl, createApiClient } from "../../impl/token/index.js";
import { getJson, refresh, useTokenServers } from "./helpers.js";

const startServer = useTokenServers();

/** Seconds in the server's default access-token lifetime are far fewer than this. */
const DAY_MS = 24 * 60 * 60 * 1000;

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

describe("GET /backend-api/me", () => {
  it("takes only the family's current access token by default", async () => {
    const server = await startServer();
    const family = server.createFamily({ accountId: "account-a" });
    const api = `${server.url}/backend-api/me`;
    expect((await getJson(api, bearer(family.accessToken))).status).toBe(200);
    const rotated = await refresh(server.tokenUrl, family.refreshToken);
    expect(rotated.status).toBe(200);
    const stale = await getJson(api, bearer(family.accessToken));
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe("token_rotated_out");
    expect((await getJson(api, bearer(rotated.body.access_token))).status).toBe(200);
  });

  it("with apiChecksExpiryOnly, a rotated-out access token passes until its exp", async () => {
    let now = Date.parse("2026-03-23T12:00:00Z");
    const server = await startServer({ apiChecksExpiryOnly: true, now: () => now });
    const family = server.createFamily({ accountId: "account-a" });
    const api = `${server.url}/backend-api/me`;
    await refresh(server.tokenUrl, family.refreshToken);
    expect((await getJson(api, bearer(family.accessToken))).status).toBe(200);
    now += DAY_MS;
    const expired = await getJson(api, bearer(family.accessToken));
    expect(expired.status).toBe(401);
    expect(expired.body.error.code).toBe("token_expired");
  });

  it("a revoked family's, an unknown and a missing token get 401; another method 405", async () => {
    const server = await startServer({ revokeFamilyOnReuse: true });
    const family = server.createFamily({ accountId: "account-a" });
    const api = `${server.url}/backend-api/me`;
    const rotated = await refresh(server.tokenUrl, family.refreshToken);
    await refresh(server.tokenUrl, family.refreshToken); // reused: the family is revoked
    const revoked = await getJson(api, bearer(rotated.body.access_token));
    expect([revoked.status, revoked.body.error.code]).toEqual([401, "token_revoked"]);
    expect((await getJson(api, bearer("at-never-issued"))).body.error.code).toBe("invalid_token");
    expect((await getJson(api)).body.error.code).toBe("missing_token");
    const { request } = await import("undici");
    const posted = await request(api, { method: "POST", body: "{}" });
    await posted.body.text();
    expect(posted.statusCode).toBe(405);
  });
});

describe("the API client (impl/token/api.ts)", () => {
  it("finds the API beside the token URL, or at AUTHRACE_API_URL", () => {
    const tokenUrl = "http://127.0.0.1:4000/oauth/token";
    expect(apiUrl({ CODEX_REFRESH_TOKEN_URL_OVERRIDE: tokenUrl })).toBe(
      "http://127.0.0.1:4000/backend-api/me",
    );
    expect(apiUrl({ [API_URL_VARIABLE]: "http://127.0.0.1:5/x" })).toBe("http://127.0.0.1:5/x");
  });

  it("maps 200 to ok, 401 to unauthorized, and an unreachable API to an error", async () => {
    const server = await startServer();
    const family = server.createFamily({ accountId: "account-a" });
    const client = createApiClient({ environment: { CODEX_REFRESH_TOKEN_URL_OVERRIDE: server.tokenUrl } });
    expect(await client.request(family.accessToken)).toEqual({ kind: "ok", status: 200 });
    expect(await client.request("at-unknown")).toEqual({ kind: "unauthorized", status: 401 });
    await server.close();
    const down = await client.request(family.accessToken);
    expect(down.kind).toBe("error");
    expect(down.kind === "error" && down.message).toContain("API unreachable");
  });
});
