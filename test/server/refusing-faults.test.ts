/**
 * Proves the two faults that refuse a refresh without deciding it, on the real loopback server and the real
 * undici token client (impl/token/) that the driver processes use:
 * - `reset-without-rotate` resets the connection before any answer: the client's refresh is `transient`, cause
 *   `network` (Codex's "error sending request for url"), nothing rotates and the same token works afterwards;
 *   unlike `drop-after-rotate`, after which the server has rotated and the same token is `reused`.
 * - `status-401-expired` answers 401 `refresh_token_expired` whatever the token: `permanent`, reason `expired`,
 *   nothing rotates.
 * Both are recorded (verdict `fault`), counted as stale sends when the token had been rotated out, and can be
 * queued over HTTP and on the CLI like the others.
 */
import { describe, expect, it } from "vitest";
import { createTokenClient, TOKEN_URL_OVERRIDE_VARIABLE } from "../../impl/token/index.js";
import { REFRESH_ERROR_CODES } from "../../model/vocabulary.js";
import { formatRequestLine, type TokenServer } from "../../server/index.js";
import { control, refresh, useTokenServers } from "./helpers.js";

const startServer = useTokenServers();

function clientOf(server: TokenServer) {
  return createTokenClient({
    environment: { [TOKEN_URL_OVERRIDE_VARIABLE]: server.tokenUrl },
    timeoutMs: 5_000,
  });
}

describe("reset-without-rotate (reject without an answer)", () => {
  it("the undici client sees a transient network failure; nothing rotated; the same token then rotates", async () => {
    const server = await startServer();
    const family = server.createFamily();
    server.injectFault({ kind: "reset-without-rotate" });

    const failed = await clientOf(server).refresh(family.refreshToken);
    expect(failed).toMatchObject({
      ok: false,
      failure: { kind: "transient", cause: "network", status: null },
    });
    if (!failed.ok)
      expect(failed.failure.message).toMatch(/^token endpoint unreachable \((ECONNRESET|UND_ERR_SOCKET)\)$/);
    expect(server.state().families[0]?.generation).toBe(0);
    expect(server.requests()[0]).toMatchObject({
      verdict: "fault",
      status: 0,
      code: null,
      fault: "reset-without-rotate",
      tokenGeneration: 0,
      staleSend: false,
    });

    const retry = await clientOf(server).refresh(family.refreshToken);
    expect(retry.ok).toBe(true);
    expect(server.state().families[0]?.generation).toBe(1);
  });

  it("differs from drop-after-rotate: there the server rotated first, so the same token is then reused", async () => {
    const server = await startServer();
    const family = server.createFamily();
    server.injectFault({ kind: "drop-after-rotate" });

    const dropped = await clientOf(server).refresh(family.refreshToken);
    expect(dropped).toMatchObject({ ok: false, failure: { kind: "transient", cause: "network" } });
    expect(server.state().families[0]?.generation).toBe(1);
    const retry = await clientOf(server).refresh(family.refreshToken);
    expect(retry).toMatchObject({ ok: false, failure: { kind: "permanent", reason: "exhausted" } });
  });

  it("a rotated-out token that meets the reset is still a stale send, shown as dropped", async () => {
    const server = await startServer();
    const family = server.createFamily();
    expect((await refresh(server.tokenUrl, family.refreshToken)).status).toBe(200);
    server.injectFault({ kind: "reset-without-rotate", count: 2 });

    for (let call = 0; call < 2; call += 1) {
      const failed = await clientOf(server).refresh(family.refreshToken);
      expect(failed).toMatchObject({ ok: false, failure: { kind: "transient", cause: "network" } });
    }
    const records = server.requests();
    expect(records.map((record) => [record.status, record.fault, record.staleSend])).toEqual([
      [200, null, false],
      [0, "reset-without-rotate", true],
      [0, "reset-without-rotate", true],
    ]);
    expect(server.state().staleSends).toBe(2);
    const [, firstReset] = records;
    if (firstReset === undefined) throw new Error("no second record");
    expect(formatRequestLine(firstReset)).toMatch(
      /^POST \/oauth\/token refresh_token=rt_.*-> dropped fault fault=reset-without-rotate family-1\/R0 stale-send$/,
    );
  });
});

describe("status-401-expired (Codex's second regression test of PR #15357)", () => {
  it("answers 401 refresh_token_expired to the current token: permanent, reason expired, nothing rotates", async () => {
    const server = await startServer();
    const family = server.createFamily();
    server.injectFault({ kind: "status-401-expired" });

    const failed = await clientOf(server).refresh(family.refreshToken);
    expect(failed).toMatchObject({
      ok: false,
      failure: { kind: "permanent", reason: "expired", status: 401, code: REFRESH_ERROR_CODES.expired },
    });
    expect(server.state().families[0]?.generation).toBe(0);
    expect(server.requests()[0]).toMatchObject({
      verdict: "fault",
      status: 401,
      code: REFRESH_ERROR_CODES.expired,
      fault: "status-401-expired",
      staleSend: false,
    });
  });

  it("answers the same to a rotated-out token, recorded as a stale send", async () => {
    const server = await startServer();
    const family = server.createFamily();
    expect((await refresh(server.tokenUrl, family.refreshToken)).status).toBe(200);
    server.injectFault({ kind: "status-401-expired" });

    const answer = await refresh(server.tokenUrl, family.refreshToken);
    expect(answer.status).toBe(401);
    expect(answer.body.error.code).toBe(REFRESH_ERROR_CODES.expired);
    expect(server.requests()[1]).toMatchObject({
      verdict: "fault",
      staleSend: true,
      fault: "status-401-expired",
    });
  });
});

describe("queued over HTTP", () => {
  it.each(["reset-without-rotate", "status-401-expired"] as const)(
    "POST /control/fault takes %s",
    async (kind) => {
      const server = await startServer();
      const answer = await control(server, "/control/fault", "POST", JSON.stringify({ kind, count: 3 }));
      expect(answer.status).toBe(200);
      expect(server.state().pendingFaults).toEqual([{ kind, count: 3 }]);
    },
  );
});
