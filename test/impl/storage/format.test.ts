// Proves that formatAuthJson writes Codex's exact auth.json (key order, OPENAI_API_KEY always present, optional
// fields omitted, pretty JSON without a trailing newline), that it round-trips through parseAuthJson, and that
// makeSnapshot builds valid fixtures whose id_token carries the account claims.
import { describe, expect, test } from "vitest";
import {
  formatAuthJson,
  makeSnapshot,
  OPENAI_AUTH_CLAIM,
  parseAuthJson,
  snapshotsEqual,
  withRefreshedTokens,
} from "../../../impl/storage/index.js";
import { decodeJwt } from "../../../impl/storage/jwt.js";

/** The claims of `token`; a token that does not decode fails the test loudly. */
function decodeJwtForTest(token: string): Record<string, unknown> {
  const decoded = decodeJwt(token);
  if (!decoded.ok) throw new Error(decoded.problem);
  return decoded.claims;
}

describe("formatAuthJson", () => {
  const snapshot = makeSnapshot({
    accessToken: "at-R0",
    refreshToken: "rt-R0",
    accountId: "acct-1",
    lastRefresh: Date.parse("2026-03-23T12:00:00.123Z"),
  });

  test("Codex's key order and shape", () => {
    const text = formatAuthJson(snapshot);
    expect(text.endsWith("}")).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(["auth_mode", "OPENAI_API_KEY", "tokens", "last_refresh"]);
    const json = JSON.parse(text);
    expect(Object.keys(json.tokens)).toEqual(["id_token", "access_token", "refresh_token", "account_id"]);
    expect(json.OPENAI_API_KEY).toBe(null);
    expect(json.last_refresh).toBe("2026-03-23T12:00:00.123Z");
    expect(text).toContain('\n  "tokens": {\n    "id_token": ');
  });

  test("omits auth_mode and last_refresh when absent, keeps OPENAI_API_KEY and a null account_id", () => {
    const bare = makeSnapshot({
      accessToken: "a",
      refreshToken: "r",
      lastRefresh: null,
      authMode: null,
      accountId: null,
    });
    const json = JSON.parse(formatAuthJson(bare));
    expect(Object.keys(json)).toEqual(["OPENAI_API_KEY", "tokens"]);
    expect(json.tokens.account_id).toBe(null);
  });

  test("round-trips", () => {
    const parsed = parseAuthJson(formatAuthJson(snapshot), "auth.json");
    expect(parsed.ok && snapshotsEqual(parsed.snapshot, snapshot)).toBe(true);
  });
});

describe("makeSnapshot", () => {
  test("puts the account id into the id_token claims", () => {
    const snapshot = makeSnapshot({
      accessToken: "a",
      refreshToken: "r",
      accountId: "acct-7",
      lastRefresh: 0,
    });
    const claims = decodeJwtForTest(snapshot.tokens.idToken.raw);
    expect(claims[OPENAI_AUTH_CLAIM]).toMatchObject({ chatgpt_account_id: "acct-7" });
    expect(snapshot.tokens.idToken.chatgptAccountId).toBe("acct-7");
    expect(snapshot.authMode).toBe("chatgpt");
  });

  test("rejects an invalid id_token or time (programmer errors)", () => {
    expect(() => makeSnapshot({ accessToken: "a", refreshToken: "r", idToken: "x", lastRefresh: 0 })).toThrow(
      /JWT/,
    );
    expect(() => makeSnapshot({ accessToken: "a", refreshToken: "r", lastRefresh: Number.NaN })).toThrow(
      /time/,
    );
  });
});

describe("withRefreshedTokens (Codex's update_tokens)", () => {
  const base = makeSnapshot({
    accessToken: "at-R0",
    refreshToken: "rt-R0",
    accountId: "acct-1",
    lastRefresh: 0,
  });

  test("a missing field keeps its old value; account_id is never touched", () => {
    const next = withRefreshedTokens(base, { accessToken: "at-R1" }, "2026-01-01T00:00:00.000Z");
    expect(next.tokens.accessToken).toBe("at-R1");
    expect(next.tokens.refreshToken).toBe("rt-R0");
    expect(next.tokens.idToken).toBe(base.tokens.idToken);
    expect(next.tokens.accountId).toBe("acct-1");
    expect(next.lastRefresh).toBe("2026-01-01T00:00:00.000Z");
  });
});
