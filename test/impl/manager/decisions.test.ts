// Proves the pure decision layer on its own, with no I/O: staleness per variant (JWT exp, the 8-day rule,
// no last_refresh), the guarded reload (Skipped / Changed / NoChange), poisoning and its clearing, the
// save merge, and the locked read (adopt / fail fast / POST the token just read).
import { describe, expect, test } from "vitest";
import {
  type Cache,
  decideGuardedReload,
  decideLockedRead,
  decidePost,
  decideResponse,
  decideSave,
  EMPTY_CACHE,
  isStale,
  replaceCache,
  rulesFor,
  TOKEN_REFRESH_INTERVAL_MS,
} from "../../../impl/manager/index.js";
import type { RefreshResult } from "../../../impl/ports/index.js";
import { encodeJwt, makeSnapshot, type SnapshotResult } from "../../../impl/storage/index.js";
import { DAY_MS, fixture, NOW_MS } from "../helpers/home.js";

const guarded = rulesFor("guarded");
const legacy = rulesFor("legacy");
const locked = rulesFor("locked");
const read = (snapshot: ReturnType<typeof fixture>): SnapshotResult => ({ ok: true, snapshot });
const missing: SnapshotResult = {
  ok: false,
  error: { kind: "missing", file: "auth.json", message: "auth.json does not exist" },
};
const reused: RefreshResult = {
  ok: false,
  failure: {
    kind: "permanent",
    reason: "exhausted",
    status: 401,
    code: "refresh_token_reused",
    message: "reused",
  },
};
const serverError: RefreshResult = {
  ok: false,
  failure: { kind: "transient", cause: "status", status: 500, message: "HTTP 500" },
};

describe("isStale", () => {
  const withExpiry = (expiryMs: number, lastRefresh: number | null) =>
    makeSnapshot({ accessToken: encodeJwt({ exp: expiryMs / 1000 }), refreshToken: "rt", lastRefresh });

  test("0.117+: the access token's exp decides when it has one", () => {
    expect(isStale(withExpiry(NOW_MS, NOW_MS), "expiry-then-last-refresh", NOW_MS)).toBe(true);
    expect(isStale(withExpiry(NOW_MS + 1000, NOW_MS - 30 * DAY_MS), "expiry-then-last-refresh", NOW_MS)).toBe(
      false,
    );
  });

  test("0.136+: stale 5 minutes before exp, not earlier", () => {
    const rule = "expiry-early-then-last-refresh";
    expect(isStale(withExpiry(NOW_MS + 5 * 60_000, NOW_MS), rule, NOW_MS)).toBe(true);
    expect(isStale(withExpiry(NOW_MS + 5 * 60_000 + 1000, NOW_MS), rule, NOW_MS)).toBe(false);
    expect(isStale(withExpiry(NOW_MS + 5 * 60_000, NOW_MS), "expiry-then-last-refresh", NOW_MS)).toBe(false);
  });

  test("legacy ignores exp and uses only the 8-day rule", () => {
    expect(isStale(withExpiry(NOW_MS - 1000, NOW_MS), "last-refresh", NOW_MS)).toBe(false);
    expect(isStale(withExpiry(NOW_MS + 1000, NOW_MS - 9 * DAY_MS), "last-refresh", NOW_MS)).toBe(true);
  });

  test("the 8-day rule is strict, and no last_refresh is never stale", () => {
    const exactly = makeSnapshot({
      accessToken: "at",
      refreshToken: "rt",
      lastRefresh: NOW_MS - TOKEN_REFRESH_INTERVAL_MS,
    });
    expect(isStale(exactly, "expiry-then-last-refresh", NOW_MS)).toBe(false);
    expect(isStale(exactly, "expiry-then-last-refresh", NOW_MS + 1)).toBe(true);
    const never = makeSnapshot({ accessToken: "at", refreshToken: "rt", lastRefresh: null });
    expect(isStale(never, "last-refresh", NOW_MS + 365 * DAY_MS)).toBe(false);
  });
});

describe("guarded reload", () => {
  const cache: Cache = replaceCache(EMPTY_CACHE, fixture({ generation: 0, stale: true }));

  test("Skipped: no cached account, unreadable file, or another account; the cache is not returned", () => {
    expect(decideGuardedReload(EMPTY_CACHE, read(fixture({ generation: 0, stale: true }))).kind).toBe(
      "skipped",
    );
    const unreadable = decideGuardedReload(cache, missing);
    expect(unreadable.kind === "skipped" && unreadable.error.message).toMatch(
      /logged out or signed in to another account/,
    );
    const other = decideGuardedReload(
      cache,
      read(fixture({ generation: 0, stale: true, accountId: "other" })),
    );
    expect(other.kind).toBe("skipped");
  });

  test("Changed means different, not newer", () => {
    const older = fixture({ generation: 0, stale: false });
    const decision = decideGuardedReload(cache, read(older));
    expect(decision.kind).toBe("changed");
    expect(decision.kind === "changed" && decision.cache.snapshot).toEqual(older);
  });

  test("NoChange", () => {
    expect(decideGuardedReload(cache, read(fixture({ generation: 0, stale: true }))).kind).toBe("no-change");
  });
});

describe("poison", () => {
  const snapshot = fixture({ generation: 0, stale: true });
  const cache = replaceCache(EMPTY_CACHE, snapshot);

  test("a permanent failure poisons (0.117+), a transient one does not, legacy never does", () => {
    const poisoned = decideResponse(cache, snapshot, reused, guarded);
    expect(poisoned.kind === "fail" && poisoned.cache.poison?.reason).toBe("exhausted");
    const transient = decideResponse(cache, snapshot, serverError, guarded);
    expect(transient.kind === "fail" && transient.cache.poison).toBe(null);
    const old = decideResponse(cache, snapshot, reused, legacy);
    expect(old.kind === "fail" && old.cache.poison).toBe(null);
  });

  test("a cache replaced during the POST is not poisoned", () => {
    const replaced = replaceCache(cache, fixture({ generation: 1, stale: false }));
    const decision = decideResponse(replaced, snapshot, reused, guarded);
    expect(decision.kind === "fail" && decision.cache.poison).toBe(null);
  });

  test("poisoned -> fail fast; replacing the snapshot by a different one clears it, by an equal one keeps it", () => {
    const decision = decideResponse(cache, snapshot, reused, guarded);
    if (decision.kind !== "fail") throw new Error("expected a failure");
    expect(decidePost(decision.cache, guarded).kind).toBe("fail");
    expect(decidePost(decision.cache, legacy).kind).toBe("post");
    expect(replaceCache(decision.cache, fixture({ generation: 0, stale: true })).poison).not.toBe(null);
    expect(replaceCache(decision.cache, fixture({ generation: 1, stale: false })).poison).toBe(null);
  });
});

describe("save", () => {
  test("merges into the re-read file, keeping its account_id", () => {
    const disk = fixture({ generation: 0, stale: true, accountId: "acct-disk" });
    const decision = decideSave(read(disk), { refreshToken: "rt-R1" }, "2026-03-23T12:00:00.000Z");
    expect(decision.kind === "write" && decision.snapshot.tokens).toMatchObject({
      refreshToken: "rt-R1",
      accessToken: "at-R0",
      accountId: "acct-disk",
    });
  });

  test("an unreadable re-read writes nothing", () => {
    const decision = decideSave(missing, { refreshToken: "rt-R1" }, "2026-03-23T12:00:00.000Z");
    expect(decision).toMatchObject({ kind: "fail", error: { kind: "persist" } });
  });
});

describe("locked read", () => {
  const stale = fixture({ generation: 0, stale: true });
  const cache = replaceCache(EMPTY_CACHE, stale);

  test("changed and fresh -> adopt without a POST", () => {
    expect(decideLockedRead(cache, read(fixture({ generation: 1, stale: false })), locked, NOW_MS).kind).toBe(
      "adopt",
    );
  });

  test("changed but stale -> POST the token just read, not the cached one", () => {
    const disk = fixture({ generation: 1, stale: true });
    const decision = decideLockedRead(cache, read(disk), locked, NOW_MS);
    expect(decision.kind === "post" && decision.base.tokens.refreshToken).toBe("rt-R1");
  });

  test("unchanged and poisoned -> fail fast; unchanged -> POST", () => {
    const failed = decideResponse(cache, stale, reused, locked);
    if (failed.kind !== "fail") throw new Error("expected a failure");
    expect(decideLockedRead(failed.cache, read(stale), locked, NOW_MS).kind).toBe("fail");
    expect(decideLockedRead(cache, read(stale), locked, NOW_MS).kind).toBe("post");
  });

  test("unreadable or another account -> Skipped", () => {
    expect(decideLockedRead(cache, missing, locked, NOW_MS).kind).toBe("skipped");
    const other = read(fixture({ generation: 1, stale: false, accountId: "other" }));
    expect(decideLockedRead(cache, other, locked, NOW_MS).kind).toBe("skipped");
  });
});
