// Proves that each variant performs exactly the step order of docs/protocol.md, by comparing the trace a real
// manager emits (real auth.json in a temp dir, real proper-lockfile lock, real HTTP to a rotating token
// server on 127.0.0.1) with the expected event list, for: fresh auth, stale auth with unchanged disk, stale
// auth with a disk another process already rotated, refreshToken(), and 401 recovery (unchanged / rotated).
import { readFile, stat } from "node:fs/promises";
import { describe, expect, test } from "vitest";
import { formatAuthJson } from "../../../impl/storage/index.js";

/** The built-in designs this test pins step orders for (docs/protocol.md). */
type Variant = "legacy" | "guarded" | "persist-locked" | "locked";

import { eventNames, fixture, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const POST = ["sendRefresh", "receiveResponse"];
const SAVE_IN_PLACE = ["readDisk", "writeDisk", "readDisk"];
const SAVE_LOCKED = ["acquireLock", "readDisk", "writeDisk", "releaseLock", "readDisk"];

/** The steps of refreshToken() / a stale auth() when disk still holds the cached token. */
const REFRESH_UNCHANGED: Record<Variant, string[]> = {
  legacy: ["readDisk", ...POST, ...SAVE_IN_PLACE],
  guarded: ["readDisk", ...POST, ...SAVE_IN_PLACE],
  "persist-locked": ["readDisk", ...POST, ...SAVE_LOCKED],
  locked: ["acquireLock", "readDisk", ...POST, "writeDisk", "releaseLock"],
};

/** The same when another process already saved a fresh rotation: adopt it, no POST. */
const REFRESH_ROTATED: Record<Variant, string[]> = {
  legacy: ["readDisk"],
  guarded: ["readDisk"],
  "persist-locked": ["readDisk"],
  locked: ["acquireLock", "readDisk", "releaseLock"],
};

/** 401 recovery on an unchanged disk: the request, Reload, the request again, then RefreshToken. */
const RECOVERY_UNCHANGED: Record<Variant, string[]> = {
  // RefreshToken POSTs the cached token with no re-read in every release (0.116 as run, 0.117+).
  legacy: ["sendRequest", "readDisk", "sendRequest", ...POST, ...SAVE_IN_PLACE],
  guarded: ["sendRequest", "readDisk", "sendRequest", ...POST, ...SAVE_IN_PLACE],
  "persist-locked": ["sendRequest", "readDisk", "sendRequest", ...POST, ...SAVE_LOCKED],
  // locked runs refreshToken(): the read under the lock decides.
  locked: ["sendRequest", "readDisk", "sendRequest", ...REFRESH_UNCHANGED.locked],
};

const STALE_AUTH_UNCHANGED: Record<Variant, string[]> = {
  legacy: ["callAuth", ...POST, ...SAVE_IN_PLACE], // no reload, no account check: POSTs the cached token
  guarded: ["callAuth", ...REFRESH_UNCHANGED.guarded],
  "persist-locked": ["callAuth", ...REFRESH_UNCHANGED["persist-locked"]],
  locked: ["callAuth", ...REFRESH_UNCHANGED.locked],
};

const STALE_AUTH_ROTATED: Record<Variant, string[]> = {
  legacy: ["callAuth", ...POST], // the seed's bug: spends the rotated-out cached token, gets 401
  guarded: ["callAuth", ...REFRESH_ROTATED.guarded],
  "persist-locked": ["callAuth", ...REFRESH_ROTATED["persist-locked"]],
  locked: ["callAuth", ...REFRESH_ROTATED.locked],
};

const WRITE_MODE: Record<Variant, string> = {
  legacy: "in-place",
  guarded: "in-place",
  "persist-locked": "atomic",
  locked: "atomic",
};

const VARIANTS: Variant[] = ["legacy", "guarded", "persist-locked", "locked"];

describe.each(VARIANTS)("%s", (variant) => {
  const setup = useHomeAndServer();

  async function load(stale: boolean) {
    await writeFixture(setup.file, fixture({ generation: 0, stale }));
    return setup.load(variant);
  }

  /** What another process does: the server rotates R0 -> R1 and R1 is saved, fresh. */
  async function rotateElsewhere(): Promise<void> {
    setup.rotation.generation = 1;
    await writeFixture(setup.file, fixture({ generation: 1, stale: false }));
  }

  test("construction reads auth.json once (restart)", async () => {
    const { events } = await load(false);
    expect(events).toEqual([{ manager: variant, call: 0, event: "restart", detail: "ok" }]);
  });

  test("fresh auth: no I/O", async () => {
    const { manager, events } = await load(false);
    const result = await manager.auth();
    expect(eventNames(events)).toEqual(["callAuth"]);
    expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R0");
    expect(setup.server.requests).toHaveLength(0);
  });

  test("stale auth, disk unchanged: refresh and save", async () => {
    const { manager, events } = await load(true);
    const inodeBefore = (await stat(setup.file)).ino;
    const result = await manager.auth();
    expect(eventNames(events)).toEqual(STALE_AUTH_UNCHANGED[variant]);
    expect(events.find((event) => event.event === "writeDisk")?.detail).toBe(WRITE_MODE[variant]);
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);
    expect(result).toMatchObject({ ok: true, poisoned: false });
    expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R1");
    expect(result.ok && result.snapshot.lastRefresh).toBe("2026-03-23T12:00:00.000Z");
    expect(JSON.parse(await readFile(setup.file, "utf8")).tokens.refresh_token).toBe("rt-R1");
    const sameInode = (await stat(setup.file)).ino === inodeBefore;
    expect(sameInode).toBe(WRITE_MODE[variant] === "in-place");
  });

  test("stale auth, disk already rotated by another process", async () => {
    const { manager, events } = await load(true);
    await rotateElsewhere();
    const diskBefore = await readFile(setup.file, "utf8");
    const result = await manager.auth();
    expect(eventNames(events)).toEqual(STALE_AUTH_ROTATED[variant]);
    expect(await readFile(setup.file, "utf8")).toBe(diskBefore);
    if (variant === "legacy") {
      expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 401 }]);
      expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R0");
      expect(result.ok && result.refreshError?.kind).toBe("permanent");
      expect(result.ok && result.poisoned).toBe(false);
    } else {
      expect(setup.rotation.log).toEqual([]);
      expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R1");
    }
  });

  test("refreshToken(), disk unchanged", async () => {
    const { manager, events } = await load(false);
    const result = await manager.refreshToken();
    expect(eventNames(events)).toEqual(["callRefresh", ...REFRESH_UNCHANGED[variant]]);
    expect(result.ok && result.snapshot.tokens.refreshToken).toBe("rt-R1");
  });

  test("an API request answered 200: no recovery, no other I/O", async () => {
    const { manager, events } = await load(false);
    const result = await manager.unauthorized();
    expect(eventNames(events)).toEqual(["callUnauthorized", "sendRequest"]);
    expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R0");
    expect(setup.rotation.apiLog).toEqual([{ accessToken: "at-R0", status: 200 }]);
  });

  test("401 recovery, disk unchanged: 401, Reload (NoChange), 401 again, RefreshToken", async () => {
    const { manager, events } = await load(false);
    setup.rotation.apiAccepts = (token) => token !== "at-R0"; // R0's access token has expired
    const result = await manager.unauthorized();
    expect(eventNames(events)).toEqual(["callUnauthorized", ...RECOVERY_UNCHANGED[variant]]);
    expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R1");
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);
    expect(setup.rotation.apiLog.map((entry) => entry.status)).toEqual([401, 401]);
  });

  test("401 recovery, disk rotated: Reload adopts it, the request again gets 200, no POST", async () => {
    const { manager, events } = await load(false);
    await rotateElsewhere();
    const result = await manager.unauthorized();
    expect(eventNames(events)).toEqual(["callUnauthorized", "sendRequest", "readDisk", "sendRequest"]);
    expect(result.ok && result.snapshot.tokens.accessToken).toBe("at-R1");
    expect(setup.rotation.log).toEqual([]);
    expect(setup.rotation.apiLog).toEqual([
      { accessToken: "at-R0", status: 401 },
      { accessToken: "at-R1", status: 200 },
    ]);
  });

  test("reload() reads disk once; cached() does no I/O", async () => {
    const { manager, events } = await load(false);
    await rotateElsewhere();
    expect(manager.cached().snapshot?.tokens.accessToken).toBe("at-R0");
    const result = await manager.reload();
    expect(eventNames(events)).toEqual(["readDisk"]);
    expect(result.ok && formatAuthJson(result.snapshot)).toBe(await readFile(setup.file, "utf8"));
    const count = events.length;
    manager.cached();
    expect(events.length).toBe(count);
  });
});
