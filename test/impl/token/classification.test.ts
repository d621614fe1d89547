// Proves the undici token client against real HTTP answers from a node:http server on 127.0.0.1: Codex's
// JSON request body and URL override (read on every call), partial responses, and Codex's classification:
// 401 with each code shape -> permanent expired/exhausted/revoked/other; 500, 429, 400, dropped connection,
// timeout, bad JSON, oversized body, refused connection -> transient.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { RefreshResult } from "../../../impl/ports/index.js";
import { encodeJwt } from "../../../impl/storage/index.js";
import { createTokenClient, TOKEN_URL_OVERRIDE_VARIABLE } from "../../../impl/token/index.js";
import { CODEX_CLIENT_ID } from "../../../model/vocabulary.js";
import { type Handler, sendJson, startTokenServer, type TokenServer } from "../helpers/token-server.js";

let server: TokenServer;

beforeAll(async () => {
  server = await startTokenServer(() => undefined);
});
afterAll(() => server.close());

async function refreshAgainst(handler: Handler, timeoutMs = 2000): Promise<RefreshResult> {
  server.handler = handler;
  const client = createTokenClient({ environment: { [TOKEN_URL_OVERRIDE_VARIABLE]: server.url }, timeoutMs });
  return client.refresh("rt-R0");
}

describe("request", () => {
  test("POSTs Codex's JSON body to the override URL", async () => {
    server.requests.length = 0;
    await refreshAgainst((_request, response) => sendJson(response, 200, {}));
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/oauth/token");
    expect(request?.contentType).toBe("application/json");
    expect(request?.rawBody).toBe(
      `{"client_id":"${CODEX_CLIENT_ID}","grant_type":"refresh_token","refresh_token":"rt-R0"}`,
    );
  });

  test("reads the override on every call", async () => {
    const other = await startTokenServer((_request, response) => sendJson(response, 200, {}));
    const environment: Record<string, string> = { [TOKEN_URL_OVERRIDE_VARIABLE]: server.url };
    const client = createTokenClient({ environment });
    server.handler = (_request, response) => sendJson(response, 200, {});
    server.requests.length = 0;
    await client.refresh("rt-A");
    environment[TOKEN_URL_OVERRIDE_VARIABLE] = other.url;
    await client.refresh("rt-B");
    expect(server.requests.map((request) => request.body?.refresh_token)).toEqual(["rt-A"]);
    expect(other.requests.map((request) => request.body?.refresh_token)).toEqual(["rt-B"]);
    await other.close();
  });
});

describe("200", () => {
  test("all three tokens", async () => {
    const idToken = encodeJwt({ email: "a@example.com" });
    const result = await refreshAgainst((_request, response) =>
      sendJson(response, 200, { id_token: idToken, access_token: "at-R1", refresh_token: "rt-R1" }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.tokens.idToken?.raw).toBe(idToken);
    expect(result.tokens.idToken?.email).toBe("a@example.com");
    expect(result.tokens.accessToken).toBe("at-R1");
    expect(result.tokens.refreshToken).toBe("rt-R1");
  });

  test("a missing field stays missing (the old value is kept when saving)", async () => {
    const result = await refreshAgainst((_request, response) =>
      sendJson(response, 200, { access_token: "at-R1" }),
    );
    expect(result).toEqual({ ok: true, status: 200, tokens: { accessToken: "at-R1" } });
  });
});

describe("401 is permanent", () => {
  const cases: [string, unknown, string, string | null][] = [
    ["nested code expired", { error: { code: "refresh_token_expired" } }, "expired", "refresh_token_expired"],
    [
      "string error reused, upper case",
      { error: "REFRESH_TOKEN_REUSED" },
      "exhausted",
      "refresh_token_reused",
    ],
    [
      "top-level code invalidated",
      { code: "refresh_token_invalidated" },
      "revoked",
      "refresh_token_invalidated",
    ],
    ["unknown code", { error: { code: "something_else" } }, "other", "something_else"],
    ["no JSON body", "nope", "other", null],
  ];
  test.each(cases)("%s -> %s", async (_name, body, reason, code) => {
    const result = await refreshAgainst((_request, response) => sendJson(response, 401, body));
    expect(result).toMatchObject({ ok: false, failure: { kind: "permanent", reason, status: 401, code } });
  });
});

describe("everything else is transient", () => {
  const statusCases: [number, unknown][] = [
    [500, { error: "server_error" }],
    [429, { error: "rate_limited" }],
    [400, { error: { code: "refresh_token_reused" } }],
    [403, {}],
  ];
  test.each(statusCases)("HTTP %i", async (status, body) => {
    const result = await refreshAgainst((_request, response) => sendJson(response, status, body));
    expect(result).toMatchObject({ ok: false, failure: { kind: "transient", cause: "status", status } });
  });

  test("dropped connection", async () => {
    const result = await refreshAgainst((_request, response) => {
      response.socket?.destroy();
    });
    expect(result).toMatchObject({
      ok: false,
      failure: { kind: "transient", cause: "network", status: null },
    });
  });

  test("timeout", async () => {
    const result = await refreshAgainst(() => undefined, 300);
    expect(result).toMatchObject({ ok: false, failure: { kind: "transient", cause: "timeout" } });
    if (!result.ok) expect(result.failure.message).toMatch(/300 ms/);
  });

  test.each([
    ["bad JSON", "{not json"],
    ["not an object", "[1,2]"],
    ["a token of the wrong type", { access_token: 5 }],
    ["an id_token that is not a JWT", { id_token: "abc" }],
  ])("200 with %s -> decode failure", async (_name, body) => {
    const result = await refreshAgainst((_request, response) => sendJson(response, 200, body));
    expect(result).toMatchObject({ ok: false, failure: { kind: "transient", cause: "decode", status: 200 } });
  });

  test("an oversized body -> decode failure", async () => {
    server.handler = (_request, response) => sendJson(response, 200, { access_token: "x".repeat(2048) });
    const client = createTokenClient({
      environment: { [TOKEN_URL_OVERRIDE_VARIABLE]: server.url },
      responseBytesMax: 1024,
    });
    const result = await client.refresh("rt-R0");
    expect(result).toMatchObject({ ok: false, failure: { kind: "transient", cause: "decode" } });
  });

  test("connection refused", async () => {
    const closed = await startTokenServer(() => undefined);
    await closed.close();
    const client = createTokenClient({ environment: { [TOKEN_URL_OVERRIDE_VARIABLE]: closed.url } });
    const result = await client.refresh("rt-R0");
    expect(result).toMatchObject({ ok: false, failure: { kind: "transient", cause: "network" } });
  });
});

test("failure messages never contain the refresh token or the response body", async () => {
  const result = await refreshAgainst((_request, response) =>
    sendJson(response, 401, { error: { code: "refresh_token_reused" }, echoed: "rt-R0-secret-body" }),
  );
  expect(JSON.stringify(result)).not.toContain("rt-R0");
});
