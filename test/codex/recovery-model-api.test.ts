/**
 * Proves the recovery scenario's loopback model API (codex/recovery/model-api.ts) on a real HTTP server with
 * real requests: a model request (a path ending in `/responses`, over HTTP or as a WebSocket upgrade) is held
 * until the harness answers it, and arrives with its bearer token recorded; every other path is answered 404 at
 * once; an answer has a length (Codex prints a failed handshake's body raw, so chunked encoding would show);
 * waiting for a request ends with `timeout` or with the caller's `stop`, never hangs.
 */
import { request } from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ModelApi, startModelApi } from "../../codex/recovery/index.js";

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function send(
  api: ModelApi,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(`${api.url}${path}`, { method, headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => {
        body += chunk.toString("utf8");
      });
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
      );
    });
    outgoing.on("error", reject);
    outgoing.end(method === "POST" ? '{"input":"hi"}' : undefined);
  });
}

describe("the recovery scenario's model API", () => {
  let api: ModelApi;
  beforeEach(async () => {
    api = await startModelApi();
  });
  afterEach(() => api.close());

  it("holds a model request until it is answered, with its bearer token recorded", async () => {
    let answered = false;
    const pending = send(api, "POST", "/v1/responses", { authorization: "Bearer at-R0" }).then((answer) => {
      answered = true;
      return answer;
    });
    const next = await api.nextModelRequest(5_000);
    if (!next.ok) throw new Error(next.problem);
    expect(next.request.record).toMatchObject({ method: "POST", bearer: "at-R0", model: true, modelSeq: 1 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(answered).toBe(false);
    next.request.answer(401, { error: { code: "token_expired" } });
    const answer = await pending;
    expect(answer.status).toBe(401);
    expect(answer.headers["content-length"]).toBe(String(answer.body.length));
    expect(answer.headers["transfer-encoding"]).toBeUndefined();
    expect(api.requests()[0]?.status).toBe(401);
  });

  it("holds a WebSocket upgrade to /v1/responses as a model request (Codex's responses WebSocket)", async () => {
    const pending = send(api, "GET", "/v1/responses", {
      authorization: "Bearer at-R1",
      connection: "Upgrade",
      upgrade: "websocket",
      "sec-websocket-version": "13",
      "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
    });
    const next = await api.nextModelRequest(5_000);
    if (!next.ok) throw new Error(next.problem);
    expect(next.request.record).toMatchObject({ websocket: true, bearer: "at-R1", modelSeq: 1 });
    next.request.answer(400, { error: { code: "authrace_end" } });
    expect((await pending).status).toBe(400);
  });

  it("answers every other path 404 at once, never 401, and numbers only model requests", async () => {
    const models = await send(api, "GET", "/v1/models?client_version=0.117.0", {
      authorization: "Bearer at-R0",
    });
    const plugins = await send(api, "GET", "/backend-api/plugins/featured?platform=codex");
    expect([models.status, plugins.status]).toEqual([404, 404]);
    expect(
      api.requests().map((record) => [record.path, record.model, record.modelSeq, record.bearer]),
    ).toEqual([
      ["/v1/models?client_version=0.117.0", false, null, "at-R0"],
      ["/backend-api/plugins/featured?platform=codex", false, null, null],
    ]);
  });

  it("stops waiting at its timeout, or when the caller's stop comes first", async () => {
    const late = await api.nextModelRequest(50);
    expect(late).toMatchObject({ ok: false, reason: "timeout", problem: "no model request within 50 ms" });
    const stopped = await api.nextModelRequest(5_000, Promise.resolve("B exited (code 1, signal null)"));
    expect(stopped).toMatchObject({
      ok: false,
      reason: "stopped",
      problem: "B exited (code 1, signal null)",
    });
  });
});
