// Proves the driver's `login` and `logout` commands, which act on auth.json as `codex login` / `codex logout`
// do, in a separate OS process: a login writes the given tokens atomically (0600) with last_refresh from the
// driver's clock, a logout removes auth.json; with `underLock` each takes the auth.json lock around its write
// (trace acquireLock, writeDisk, releaseLock), without it only writes; the driver's own cached auth is left
// alone. In held mode each port call is announced (a logout's removal as writeDisk mode "remove") and waits.
// Bad login requests are refused as bad requests.
import { readFile, stat } from "node:fs/promises";
import { afterEach, describe, expect, test } from "vitest";
import { type JsonLineDriver, spawnDriver, startDriver } from "../../../impl/driver/client.js";
import { encodeJwt } from "../../../impl/storage/index.js";
import { driverEntry } from "../../support/paths.js";
import { fixture, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const setup = useHomeAndServer();
const drivers: JsonLineDriver[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.kill()));
});

const LOGIN = {
  idToken: encodeJwt({
    email: "b@example.com",
    "https://api.openai.com/auth": { chatgpt_account_id: "account-B" },
  }),
  accessToken: "at-B0",
  refreshToken: "rt-B0",
  accountId: "account-B",
};

async function start(): Promise<JsonLineDriver> {
  await writeFixture(setup.file, fixture({ generation: 0, stale: false }));
  const started = await spawnDriver({
    home: setup.home,
    variant: "locked",
    name: "L",
    tokenUrl: setup.server.url,
    command: [process.execPath, driverEntry],
  });
  if (!started.ok) throw new Error(started.error.stderr);
  drivers.push(started.driver);
  return started.driver;
}

describe("login and logout", () => {
  test("login under the lock writes the tokens atomically; the driver's cache stays", async () => {
    const driver = await start();
    const before = Date.now();
    const reply = await driver.login(LOGIN, true);
    expect(reply).toMatchObject({ ok: true, auth: { refreshToken: "rt-R0" } });
    expect(reply.trace).toEqual([
      { event: "acquireLock", detail: "ok" },
      { event: "writeDisk", detail: "atomic" },
      { event: "releaseLock", detail: "ok" },
    ]);
    const written = JSON.parse(await readFile(setup.file, "utf8"));
    expect(written.tokens).toMatchObject({
      access_token: "at-B0",
      refresh_token: "rt-B0",
      account_id: "account-B",
    });
    expect(Date.parse(written.last_refresh)).toBeGreaterThanOrEqual(before - 1_000);
    expect((await stat(setup.file)).mode & 0o777).toBe(0o600);
  });

  test("logout removes auth.json; without underLock no lock is taken", async () => {
    const driver = await start();
    const reply = await driver.logout(false);
    expect(reply).toMatchObject({ ok: true, trace: [{ event: "writeDisk", detail: "remove" }] });
    await expect(stat(setup.file)).rejects.toThrow(/ENOENT/);
    expect((await driver.logout(true)).trace.map((event) => event.event)).toEqual([
      "acquireLock",
      "writeDisk",
      "releaseLock",
    ]);
  });

  test("in held mode each port call is announced; a logout's removal as writeDisk mode remove", async () => {
    await writeFixture(setup.file, fixture({ generation: 0, stale: false }));
    const driver = startDriver({
      home: setup.home,
      name: "H",
      tokenUrl: setup.server.url,
      command: [process.execPath, driverEntry, "--variant", "locked"],
      extraArguments: ["--held", "--lock-stale-ms", "60000", "--lock-retries", "0"],
    });
    drivers.push(driver);
    const events: Record<string, unknown>[] = [];
    driver.onMessage((message) => {
      // The ready line carries "held": true; held events carry an object.
      if (typeof message.held !== "object" || message.held === null) return;
      const held = message.held as { seq: number };
      events.push(held);
      driver.release(held.seq);
    });
    driver.setClock(Date.now());
    expect(await driver.waitReady()).toMatchObject({ ready: true, held: true });
    expect((await driver.login(LOGIN, true)).ok).toBe(true);
    expect((await driver.logout(true)).ok).toBe(true);
    expect(events.map((event) => [event.kind, event.mode])).toEqual([
      ["readDisk", undefined],
      ["acquireLock", undefined],
      ["writeDisk", "atomic"],
      ["releaseLock", undefined],
      ["acquireLock", undefined],
      ["writeDisk", "remove"],
      ["releaseLock", undefined],
    ]);
  });

  test("a login without its tokens, or with an id_token that is no JWT, is a bad request", async () => {
    const driver = await start();
    const missing = await driver.login({ ...LOGIN, refreshToken: "" }, true);
    expect(missing).toMatchObject({ ok: false, error: { kind: "bad-request" } });
    const badJwt = await driver.login({ ...LOGIN, idToken: "nope" }, true);
    expect(badJwt).toMatchObject({ ok: false, error: { kind: "bad-request", message: /idToken/ } });
    expect(JSON.parse(await readFile(setup.file, "utf8")).tokens.refresh_token).toBe("rt-R0");
  });
});
