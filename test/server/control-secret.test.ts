/**
 * Proves that the token server's control endpoints cannot be driven by whoever reaches the port (a web page
 * through the browser, another user on the machine): every control route needs the run's secret, generated at
 * start (`Authorization: Bearer <secret>`), a POST also a JSON content type, and a request carrying an Origin
 * header (what a browser adds) is refused even with the secret. Refusals are 403 (415 for the content type)
 * with a body saying what is missing, and change nothing. The token endpoint itself stays open, as the real
 * one is. Over real HTTP with undici.
 */
import { request } from "undici";
import { describe, expect, it } from "vitest";
import { refresh, useTokenServers } from "./helpers.js";

const start = useTokenServers();

async function call(url: string, method: string, headers: Record<string, string>, body?: string) {
  const response = await request(url, {
    method: method as "POST",
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.body.text();
  return { status: response.statusCode, body: text === "" ? null : JSON.parse(text) };
}

describe("control endpoints need the run's secret", () => {
  it("generates a long random secret per server", async () => {
    const first = await start();
    const second = await start();
    expect(first.controlSecret).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    expect(first.controlSecret).not.toBe(second.controlSecret);
  });

  it.each([
    ["no secret", {}],
    ["a wrong secret", { authorization: "Bearer not-the-secret" }],
    ["the secret without Bearer", "raw"],
  ])("refuses %s with 403, creating nothing", async (_name, auth) => {
    const server = await start();
    const authorization = auth === "raw" ? { authorization: server.controlSecret } : auth;
    const headers = { "content-type": "application/json", ...authorization };
    const family = await call(`${server.url}/control/family`, "POST", headers, "{}");
    expect(family.status).toBe(403);
    expect(family.body).toMatchObject({ error: "forbidden" });
    expect(family.body.error_description).toMatch(/Authorization: Bearer/);
    const fault = await call(`${server.url}/control/fault`, "POST", headers, '{"kind":"status-500"}');
    expect(fault.status).toBe(403);
    for (const path of ["/state", "/requests"]) {
      expect((await call(`${server.url}${path}`, "GET", authorization)).status).toBe(403);
    }
    expect(server.state().families).toEqual([]);
    expect(server.state().pendingFaults).toEqual([]);
  });

  it("refuses a POST that is not JSON with 415, even with the secret", async () => {
    const server = await start();
    const headers = { "content-type": "text/plain", authorization: `Bearer ${server.controlSecret}` };
    const answer = await call(`${server.url}/control/family`, "POST", headers, "{}");
    expect(answer.status).toBe(415);
    expect(answer.body.error_description).toMatch(/application\/json/);
    expect(server.state().families).toEqual([]);
  });

  it("refuses a request from a web page (an Origin header), even with the secret", async () => {
    const server = await start();
    const headers = {
      "content-type": "application/json",
      authorization: `Bearer ${server.controlSecret}`,
      origin: "http://evil.example",
    };
    const answer = await call(`${server.url}/control/family`, "POST", headers, "{}");
    expect(answer.status).toBe(403);
    expect(answer.body.error_description).toMatch(/Origin/);
    expect(server.state().families).toEqual([]);
  });

  it("serves the caller that has the secret", async () => {
    const server = await start();
    const authorization = { authorization: `Bearer ${server.controlSecret}` };
    const headers = { "content-type": "application/json; charset=utf-8", ...authorization };
    const family = await call(`${server.url}/control/family`, "POST", headers, "{}");
    expect(family.status).toBe(200);
    expect((await call(`${server.url}/state`, "GET", authorization)).status).toBe(200);
    expect((await refresh(server.tokenUrl, family.body.refreshToken)).status).toBe(200);
  });

  it("leaves the token endpoint open, as the real one is", async () => {
    const server = await start();
    const family = server.createFamily();
    expect((await refresh(server.tokenUrl, family.refreshToken)).status).toBe(200);
  });
});
