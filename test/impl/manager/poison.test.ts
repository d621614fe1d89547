// Proves poisoning against a real token server: after a permanent failure (401 refresh_token_reused) a 0.117+
// variant marks its cached snapshot, later refreshes of that snapshot fail fast without a POST, and the mark
// clears once the cache changes (another process saved a new token). legacy never poisons, so it POSTs the
// dead token on every auth() call (the seed's bug). A transient failure (500) never poisons.
import { describe, expect, test } from "vitest";
import type { Variant } from "../../../model/vocabulary.js";
import { eventNames, fixture, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";
import { Rotation, sendJson } from "../helpers/token-server.js";

const setup = useHomeAndServer({
  // The server has moved on: rt-R0 is rotated out.
  rotation: () => Object.assign(new Rotation(), { generation: 5 }),
  authJson: fixture({ generation: 0, stale: true }),
});

const FAIL_FAST: Record<string, string[]> = {
  guarded: ["callRefresh", "readDisk"],
  "persist-locked": ["callRefresh", "readDisk"],
  locked: ["callRefresh", "acquireLock", "readDisk", "releaseLock"],
};

describe.each(["guarded", "persist-locked", "locked"] as Variant[])("%s", (variant) => {
  test("a permanent failure poisons; the next refresh fails fast; a changed disk clears it", async () => {
    const { manager, events } = await setup.load(variant);
    const first = await manager.refreshToken();
    expect(first).toMatchObject({ ok: false, error: { kind: "permanent", reason: "exhausted" } });
    expect(manager.cached().poisoned).toBe(true);

    const second = await manager.refreshToken();
    expect(second).toMatchObject({ ok: false, error: { kind: "permanent", reason: "exhausted" } });
    expect(eventNames(events)).toEqual(FAIL_FAST[variant]);
    expect(setup.rotation.log).toHaveLength(1);

    const stale = await manager.auth();
    expect(stale).toMatchObject({ ok: true, poisoned: true, refreshError: { kind: "permanent" } });

    await writeFixture(setup.file, fixture({ generation: 5, stale: false }));
    const adopted = await manager.refreshToken();
    expect(adopted).toMatchObject({ ok: true, poisoned: false });
    expect(adopted.ok && adopted.snapshot.tokens.refreshToken).toBe("rt-R5");
    expect(setup.rotation.log).toHaveLength(1);
  });

  test("a transient failure does not poison", async () => {
    setup.server.handler = (_request, response) => sendJson(response, 500, { error: "server_error" });
    const { manager } = await setup.load(variant);
    expect(await manager.refreshToken()).toMatchObject({ ok: false, error: { kind: "transient" } });
    expect(manager.cached().poisoned).toBe(false);
    expect(await manager.refreshToken()).toMatchObject({ ok: false, error: { kind: "transient" } });
    expect(setup.server.requests).toHaveLength(2);
  });
});

test("legacy: no poison, every auth() POSTs the dead cached token again and returns the stale snapshot", async () => {
  const { manager } = await setup.load("legacy");
  for (let call = 0; call < 3; call += 1) {
    const result = await manager.auth();
    expect(result).toMatchObject({ ok: true, poisoned: false, refreshError: { kind: "permanent" } });
    expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R0");
  }
  expect(setup.rotation.log).toEqual([
    { refreshToken: "rt-R0", status: 401 },
    { refreshToken: "rt-R0", status: 401 },
    { refreshToken: "rt-R0", status: 401 },
  ]);
});

test("auth.json without last_refresh: never refreshed and its token not handed out", async () => {
  const { makeSnapshot } = await import("../../../impl/storage/index.js");
  await writeFixture(
    setup.file,
    makeSnapshot({ accessToken: "at-R0", refreshToken: "rt-R0", lastRefresh: null }),
  );
  const { manager, events } = await setup.load("guarded");
  expect(await manager.auth()).toMatchObject({ ok: false, error: { kind: "logged-out" } });
  expect(eventNames(events)).toEqual(["callAuth"]);
  expect(manager.cached().snapshot?.tokens.accessToken).toBe("at-R0");
});

test("logged out at construction: auth() fails with logged-out, no I/O", async () => {
  const { rm } = await import("node:fs/promises");
  await rm(setup.file);
  const { manager, events } = await setup.load("locked");
  expect(events[0]).toMatchObject({ event: "restart", detail: "missing" });
  expect(await manager.auth()).toMatchObject({ ok: false, error: { kind: "logged-out" } });
  expect(eventNames(events)).toEqual(["callAuth"]);
});
