/**
 * Proves the server's record of what it saw: one record per token request with sequence, time, presented
 * token, family, generation, verdict, status, code, `staleSend` (the presented token had already been
 * rotated out) and the sender a token URL names; the same record and state over HTTP (`GET /requests`, `GET /state`) with tokens redacted;
 * `POST /control/family` for other processes; and the one-line log in the seed's shape.
 */
import { describe, expect, it } from "vitest";
import { redact } from "../../impl/redact.js";
import { formatRequestLine, type RequestRecord } from "../../server/index.js";
import { control, refresh, useTokenServers } from "./helpers.js";

const startServer = useTokenServers();

/** The record of a family's first refresh at 2026-03-23T12:00:00Z: R0 presented, rotated, 200. */
function firstRotation(refreshToken: string, familyId: string): RequestRecord {
  return {
    seq: 1,
    at: "2026-03-23T12:00:00.000Z",
    method: "POST",
    refreshToken,
    familyId,
    tokenGeneration: 0,
    verdict: "rotated",
    status: 200,
    code: null,
    staleSend: false,
    fault: null,
    refreshReason: null,
    sender: null,
  };
}

describe("request records", () => {
  it("records every token request in order, with staleSend true exactly for rotated-out tokens", async () => {
    let nowMs = Date.UTC(2026, 2, 23, 12, 0, 0);
    const seen: RequestRecord[] = [];
    const server = await startServer({ now: () => nowMs, onRequest: (record) => seen.push(record) });
    const family = server.createFamily();
    const r1 = (await refresh(server.tokenUrl, family.refreshToken)).body.refresh_token as string;
    nowMs += 1_000;
    await refresh(server.tokenUrl, family.refreshToken);
    await refresh(server.tokenUrl, r1);
    await refresh(server.tokenUrl, "rt_unknown_unknown_unknown");

    const records = server.requests();
    expect(records).toEqual(seen);
    expect(records).toEqual([
      firstRotation(family.refreshToken, family.familyId),
      expect.objectContaining({ seq: 2, at: "2026-03-23T12:00:01.000Z", verdict: "reused", status: 401 }),
      expect.objectContaining({
        seq: 3,
        refreshToken: r1,
        tokenGeneration: 1,
        verdict: "rotated",
        staleSend: false,
      }),
      expect.objectContaining({
        seq: 4,
        familyId: null,
        tokenGeneration: null,
        verdict: "unknown",
        staleSend: false,
      }),
    ]);
    expect(records[1]).toMatchObject({ code: "refresh_token_reused", staleSend: true, tokenGeneration: 0 });
    expect(server.state().staleSends).toBe(1);
  });

  it("records who sent a request when the token URL names it (?sender=), and null when it does not", async () => {
    const server = await startServer();
    const family = server.createFamily();
    await refresh(`${server.tokenUrl}?sender=P3`, family.refreshToken);
    await refresh(server.tokenUrl, family.refreshToken);
    expect(server.requests().map((record) => [record.sender, record.verdict])).toEqual([
      ["P3", "rotated"],
      [null, "reused"],
    ]);
  });

  it("hands out copies: changing what requests() or state() returned changes nothing", async () => {
    const server = await startServer();
    const family = server.createFamily();
    await refresh(server.tokenUrl, family.refreshToken);
    const records = server.requests() as RequestRecord[];
    (records[0] as RequestRecord).verdict = "unknown";
    const [family0] = server.state().families;
    (family0?.rotatedOut as string[] | undefined)?.push("rt_forged");
    expect(server.requests()[0]?.verdict).toBe("rotated");
    expect(server.state().families[0]?.rotatedOut).toHaveLength(1);
  });
});

describe("over HTTP", () => {
  it("GET /requests and GET /state show the same facts with every token redacted", async () => {
    const server = await startServer({ graceWindow: true });
    const family = server.createFamily();
    const r1 = (await refresh(server.tokenUrl, family.refreshToken)).body.refresh_token as string;
    await refresh(server.tokenUrl, family.refreshToken);

    const requests = await control(server, "/requests", "GET");
    expect(requests.status).toBe(200);
    expect(requests.body.requests).toEqual(
      server.requests().map((record) => ({ ...record, refreshToken: redact(record.refreshToken) })),
    );

    const state = await control(server, "/state", "GET");
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({
      options: { graceWindow: true, revokeFamilyOnReuse: false, responseDelayMs: 0 },
      recordedRequests: 2,
      staleSends: 1,
      pendingFaults: [],
    });
    const [view] = state.body.families;
    expect(view).toMatchObject({ familyId: family.familyId, generation: 1, revoked: false });
    expect(view.refreshToken).toBe(redact(r1));
    expect(view.rotatedOut).toEqual([redact(family.refreshToken)]);
    const text = JSON.stringify([requests.body, state.body]);
    for (const secret of [family.refreshToken, r1, family.accessToken, family.idToken]) {
      expect(text).not.toContain(secret);
    }
  });

  it("POST /control/family creates a family whose whole tokens work", async () => {
    const server = await startServer();
    const answer = await control(
      server,
      "/control/family",
      "POST",
      JSON.stringify({ accountId: "acct-http", email: "h@example.com", accessToken: "opaque" }),
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      accountId: "acct-http",
      email: "h@example.com",
      accessToken: "at-R0",
    });
    expect(Object.keys(answer.body).sort()).toEqual(
      ["accessToken", "accountId", "email", "familyId", "idToken", "refreshToken"].sort(),
    );
    expect((await refresh(server.tokenUrl, answer.body.refreshToken)).status).toBe(200);
    for (const bad of ['{"accountId":5}', '{"accessToken":"paper"}', "nope"]) {
      expect((await control(server, "/control/family", "POST", bad)).status).toBe(400);
    }
  });
});

describe("formatRequestLine", () => {
  const base = firstRotation("rt_j6s0abcdefghijklmnopqrstuvwxyz", "family-1");

  it("prints the seed's shape with the token redacted", () => {
    expect(formatRequestLine(base)).toBe(
      "POST /oauth/token refresh_token=rt_j6s0... -> 200 rotated family-1/R0",
    );
  });

  it("adds the code, the fault, a dropped connection and the stale send", () => {
    const reused = {
      ...base,
      verdict: "reused",
      status: 401,
      code: "refresh_token_reused",
      staleSend: true,
    } as const;
    expect(formatRequestLine(reused)).toBe(
      "POST /oauth/token refresh_token=rt_j6s0... -> 401 reused refresh_token_reused family-1/R0 stale-send",
    );
    const dropped = { ...base, status: 0, fault: "drop-after-rotate" } as const;
    expect(formatRequestLine(dropped)).toBe(
      "POST /oauth/token refresh_token=rt_j6s0... -> dropped rotated fault=drop-after-rotate family-1/R0",
    );
    const bad = {
      ...base,
      refreshToken: null,
      familyId: null,
      tokenGeneration: null,
      verdict: "bad-request",
    } as const;
    expect(formatRequestLine({ ...bad, status: 400, code: "invalid_request" })).toBe(
      "POST /oauth/token refresh_token=null -> 400 bad-request invalid_request",
    );
  });
});
