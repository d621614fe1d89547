/**
 * Proves each injected fault and the response delay: `drop-after-rotate` rotates and then drops the
 * connection (the client sees a socket error, the server moved on, a retry of the old token is reused
 * unless a grace window saves it); `status-500` and `status-429` answer without rotating; faults are
 * consumed in order by well-formed token requests only, whether queued at start, in-process, or over HTTP;
 * `responseDelayMs` decides first and answers later, which makes the two-process race reproducible.
 */
import { performance } from "node:perf_hooks";
import { describe, expect, it, vi } from "vitest";
import { REFRESH_ERROR_CODES } from "../../model/vocabulary.js";
import { TokenServerLimitError } from "../../server/index.js";
import { control, refresh, send, useTokenServers } from "./helpers.js";

const startServer = useTokenServers();
const DELAY_MS = 300;
/** Timers may fire a little early relative to performance.now(); never by this much. */
const TIMER_SLACK_MS = 15;
/** How long the test waits to see the record; the answer cannot come before DELAY_MS after it. */
const RECORD_WAIT_MS = 5_000;

describe("drop-after-rotate", () => {
  it("rotates, then drops the connection: the client sees a socket error, a retry of R0 is reused", async () => {
    const server = await startServer();
    const family = server.createFamily();
    server.injectFault({ kind: "drop-after-rotate" });

    await expect(refresh(server.tokenUrl, family.refreshToken)).rejects.toMatchObject({
      code: "UND_ERR_SOCKET",
    });
    const [state] = server.state().families;
    expect(state?.generation).toBe(1);
    expect(state?.rotatedOut).toEqual([family.refreshToken]);
    expect(server.requests()[0]).toMatchObject({
      verdict: "rotated",
      status: 0,
      code: null,
      fault: "drop-after-rotate",
      staleSend: false,
    });

    const retry = await refresh(server.tokenUrl, family.refreshToken);
    expect(retry.status).toBe(401);
    expect(retry.body.error.code).toBe(REFRESH_ERROR_CODES.reused);
    expect(server.requests()[1]).toMatchObject({ verdict: "reused", staleSend: true, fault: null });
  });

  it("with a grace window, the retry gets the tokens the lost response carried", async () => {
    const server = await startServer({ graceWindow: true });
    const family = server.createFamily();
    server.injectFault({ kind: "drop-after-rotate" });
    await expect(refresh(server.tokenUrl, family.refreshToken)).rejects.toThrow();

    const retry = await refresh(server.tokenUrl, family.refreshToken);
    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(server.state().families[0]?.refreshToken);
    expect(server.state().families[0]?.generation).toBe(1);
  });
});

describe("transient faults", () => {
  it.each([
    ["status-500", 500, "server_error"],
    ["status-429", 429, "rate_limit_exceeded"],
  ] as const)("%s answers %i without rotating; the same token then works", async (kind, status, code) => {
    const server = await startServer();
    const family = server.createFamily();
    server.injectFault({ kind });

    const failed = await refresh(server.tokenUrl, family.refreshToken);
    expect(failed.status).toBe(status);
    expect(failed.body.error.code).toBe(code);
    if (kind === "status-429") expect(failed.headers["retry-after"]).toBe("1");
    expect(server.state().families[0]?.generation).toBe(0);

    expect((await refresh(server.tokenUrl, family.refreshToken)).status).toBe(200);
    expect(server.requests().map((record) => [record.verdict, record.status, record.fault])).toEqual([
      ["fault", status, kind],
      ["rotated", 200, null],
    ]);
  });

  it("a stale token answered by a fault still counts as a stale send", async () => {
    const server = await startServer();
    const family = server.createFamily();
    await refresh(server.tokenUrl, family.refreshToken);
    server.injectFault({ kind: "status-500" });
    await refresh(server.tokenUrl, family.refreshToken);
    expect(server.requests()[1]).toMatchObject({ verdict: "fault", staleSend: true, tokenGeneration: 0 });
  });
});

describe("fault queue", () => {
  it("applies counts and kinds in order, set at start and injected at runtime", async () => {
    const server = await startServer({ faults: [{ kind: "status-429" }, { kind: "status-500", count: 2 }] });
    const family = server.createFamily();
    server.injectFault({ kind: "drop-after-rotate" });
    expect(server.state().pendingFaults).toEqual([
      { kind: "status-429", count: 1 },
      { kind: "status-500", count: 2 },
      { kind: "drop-after-rotate", count: 1 },
    ]);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt += 1) {
      statuses.push((await refresh(server.tokenUrl, family.refreshToken)).status);
    }
    expect(statuses).toEqual([429, 500, 500]);
    await expect(refresh(server.tokenUrl, family.refreshToken)).rejects.toThrow();
    expect(server.state().pendingFaults).toEqual([]);
  });

  it("is fed over HTTP by POST /control/fault, and bad requests do not consume a fault", async () => {
    const server = await startServer();
    const family = server.createFamily();
    const queued = await control(
      server,
      "/control/fault",
      "POST",
      JSON.stringify({ kind: "status-500", count: 1 }),
    );
    expect(queued.status).toBe(200);
    expect(queued.body).toEqual({ pendingFaults: [{ kind: "status-500", count: 1 }] });

    expect((await send(server.tokenUrl, "POST", "not json")).status).toBe(400);
    expect((await refresh(server.tokenUrl, family.refreshToken)).status).toBe(500);

    for (const bad of ['{"kind":"explode"}', '{"kind":"status-500","count":0}', "[]", ""]) {
      const answer = await control(server, "/control/fault", "POST", bad);
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("invalid_request");
    }
  });

  it("refuses faults past pendingFaultsMax, in-process and over HTTP", async () => {
    const server = await startServer({ limits: { pendingFaultsMax: 2 } });
    server.injectFault({ kind: "status-500", count: 2 });
    expect(() => server.injectFault({ kind: "status-429" })).toThrow(TokenServerLimitError);
    expect(() => server.injectFault({ kind: "status-429" })).toThrow(/pendingFaultsMax \(2\)/);
    const answer = await control(server, "/control/fault", "POST", '{"kind":"status-429"}');
    expect(answer.status).toBe(507);
    expect(answer.body.error.message).toContain("pendingFaultsMax");
    expect(() => server.injectFault({ kind: "nope" as "status-500" })).toThrow(TypeError);
  });
});

describe("responseDelayMs", () => {
  it("decides and rotates at arrival, answers after the delay", async () => {
    const server = await startServer({ responseDelayMs: DELAY_MS });
    const family = server.createFamily();
    const started = performance.now();
    let answered = false;
    const pending = refresh(server.tokenUrl, family.refreshToken).finally(() => {
      answered = true;
    });

    // While the client waits, the server has already rotated and recorded the request.
    await vi.waitFor(() => expect(server.requests()).toHaveLength(1), {
      timeout: RECORD_WAIT_MS,
      interval: 5,
    });
    expect(answered).toBe(false);
    expect(server.state().families[0]?.generation).toBe(1);

    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
  });

  it("reproduces the two-process race: both POST R0 inside the delay, one rotates, one is reused", async () => {
    const server = await startServer({ responseDelayMs: DELAY_MS });
    const family = server.createFamily();
    const started = performance.now();
    const answers = await Promise.all([
      refresh(server.tokenUrl, family.refreshToken),
      refresh(server.tokenUrl, family.refreshToken),
    ]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    expect(server.requests().map((record) => [record.verdict, record.staleSend])).toEqual([
      ["rotated", false],
      ["reused", true],
    ]);
    expect(server.state().staleSends).toBe(1);
  });

  it("delays the dropped connection too, and rejects a delay above responseDelayMaxMs", async () => {
    const server = await startServer({ responseDelayMs: DELAY_MS, faults: [{ kind: "drop-after-rotate" }] });
    const family = server.createFamily();
    const started = performance.now();
    await expect(refresh(server.tokenUrl, family.refreshToken)).rejects.toMatchObject({
      code: "UND_ERR_SOCKET",
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(DELAY_MS - TIMER_SLACK_MS);

    await expect(startServer({ responseDelayMs: 61_000 })).rejects.toThrow(/responseDelayMs/);
    await expect(startServer({ responseDelayMs: -1 })).rejects.toThrow(RangeError);
  });
});
