// Proves held mode's `reset` (docs/driver-protocol.md, "Reset") on the reference driver as a real process: a
// call held at its lock is dropped (its reply never comes from the program, the client resolves it abandoned, and
// no lock directory appears in the old home), seq starts again at 1 with the new home's construction read, the
// ready line comes again, the manager holds the new home's auth.json, and a call afterwards works on the new home
// only. A reset without a home is refused.
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, test } from "vitest";
import { type DriverMessage, type JsonLineDriver, startDriver } from "../../../impl/driver/client.js";
import { authLockPath } from "../../../impl/storage/index.js";
import { driverEntry } from "../../support/paths.js";
import { fixture, NOW_MS, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const HELD_FLAGS = ["--held", "--lock-stale-ms", "60000", "--lock-retries", "0"];
const MESSAGE_TIMEOUT_MS = 5_000;

const setup = useHomeAndServer();
const drivers: JsonLineDriver[] = [];
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.kill()));
});

/** The driver's non-reply messages in order, awaited one at a time. */
function messages(driver: JsonLineDriver) {
  const queue: DriverMessage[] = [];
  let notify: (() => void) | null = null;
  driver.onMessage((message) => {
    queue.push(message);
    notify?.();
  });
  return async (): Promise<DriverMessage> => {
    const deadline = Date.now() + MESSAGE_TIMEOUT_MS;
    while (queue.length === 0) {
      if (Date.now() > deadline) throw new Error(`no message within ${MESSAGE_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        notify = resolve;
        setTimeout(resolve, 50);
      });
    }
    return queue.shift() as DriverMessage;
  };
}

test("reset drops the held call and loads a new manager on the new home", async () => {
  await writeFixture(setup.file, fixture({ generation: 0, stale: true, accountId: "account-old" }));
  const newHome = join(setup.home, "next");
  await mkdir(newHome);
  await writeFixture(
    join(newHome, "auth.json"),
    fixture({ generation: 0, stale: true, accountId: "account-new" }),
  );
  const driver = startDriver({
    home: setup.home,
    name: "R",
    tokenUrl: setup.server.url,
    command: [process.execPath, driverEntry, "--variant", "locked"],
    extraArguments: HELD_FLAGS,
  });
  drivers.push(driver);
  const next = messages(driver);
  driver.setClock(NOW_MS);
  expect(await next()).toEqual({ held: { seq: 1, kind: "readDisk" } });
  driver.release(1);
  expect(await next()).toMatchObject({ ready: true, held: true, reset: true });
  const dropped = driver.auth();
  expect(await next()).toEqual({ held: { seq: 2, kind: "acquireLock" } });

  driver.reset(newHome);
  expect(await dropped).toMatchObject({ ok: false, error: { kind: "driver-abandoned" } });
  expect(await next()).toEqual({ held: { seq: 1, kind: "readDisk" } });
  driver.release(1);
  expect(await next()).toMatchObject({ ready: true, name: "R", held: true, reset: true });
  expect(await driver.cached()).toMatchObject({
    ok: true,
    auth: { accountId: "account-new", refreshToken: "rt-R0" },
  });
  driver.release(2); // the dropped call's seq: nothing holds it any more
  expect(await next()).toMatchObject({
    id: null,
    ok: false,
    error: { kind: "bad-request", message: "release: seq 2 is not held" },
  });

  driver.setClock(NOW_MS);
  const reply = driver.refresh();
  for (let seq = 2; seq <= 7; seq++) {
    const event = await next();
    expect(event).toMatchObject({ held: { seq } });
    driver.release(seq);
  }
  expect(await reply).toMatchObject({ ok: true, auth: { accountId: "account-new", refreshToken: "rt-R1" } });
  expect(existsSync(authLockPath(setup.home))).toBe(false);
  expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);

  driver.reset("");
  expect(await next()).toMatchObject({
    id: null,
    ok: false,
    error: { message: "reset: home must be a non-empty path (the new CODEX_HOME)" },
  });
  await rm(newHome, { recursive: true, force: true });
});
