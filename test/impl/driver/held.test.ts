// Proves the driver's held mode (`--held`, docs/driver-protocol.md) as a separate OS process: the construction
// read of auth.json is announced and held before the ready line (which then says "held":true); every port call
// of a call is announced with its details (the write mode, the refresh token whole, the answer's summary) and
// does no I/O until released (the server sees no POST while sendRefresh is held); `cached` answers while a call
// is held; time is only what `clock` lines say (a fresh snapshot stays fresh until the clock jumps 9 days, and a
// save stamps the harness's time); bad control lines are refused with id null; `exit` and the end of stdin end
// a held driver at once; bad lock options exit 2.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, test } from "vitest";
import { type DriverMessage, type JsonLineDriver, startDriver } from "../../../impl/driver/client.js";
import type { DriverReply } from "../../../impl/driver/protocol.js";
import { driverEntry } from "../../support/paths.js";
import { DAY_MS, fixture, NOW_MS, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const HELD_FLAGS = ["--held", "--lock-stale-ms", "60000", "--lock-retries", "0"];
const MESSAGE_TIMEOUT_MS = 5_000;

const setup = useHomeAndServer();
const drivers: JsonLineDriver[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.kill()));
});

/** A held driver and the messages it printed that are not replies, read one at a time. */
class HeldDriver {
  private readonly queue: DriverMessage[] = [];
  private notify: (() => void) | null = null;

  constructor(readonly driver: JsonLineDriver) {
    driver.onMessage((message) => {
      this.queue.push(message);
      this.notify?.();
    });
  }

  /** The next message; null once `done()` holds with nothing queued. */
  async next(done: () => boolean = () => false): Promise<DriverMessage | null> {
    const deadline = Date.now() + MESSAGE_TIMEOUT_MS;
    while (this.queue.length === 0) {
      if (done()) return null;
      if (Date.now() > deadline) throw new Error(`no message within ${MESSAGE_TIMEOUT_MS} ms`);
      await new Promise<void>((resolve) => {
        this.notify = resolve;
        setTimeout(resolve, 50);
      });
    }
    return this.queue.shift() ?? null;
  }

  /** The next message must be a held event of `kind`; returns its body. */
  async expectHeld(kind: string): Promise<Record<string, unknown>> {
    const message = await this.next();
    expect(message).toMatchObject({ held: { kind } });
    return message?.held as Record<string, unknown>;
  }

  /** Releases held events until the reply comes, returning the kinds released. */
  async releaseUntil(reply: Promise<DriverReply>): Promise<string[]> {
    const kinds: string[] = [];
    let settled = false;
    void reply.then(() => {
      settled = true;
      this.notify?.();
    });
    for (
      let message = await this.next(() => settled);
      message !== null;
      message = await this.next(() => settled)
    ) {
      const held = message.held as { seq: number; kind: string };
      kinds.push(held.kind);
      this.driver.release(held.seq);
    }
    return kinds;
  }
}

/** Starts a held locked driver with its clock at `nowMs`, releases its construction read, awaits ready. */
async function startHeld(nowMs: number, variant = "locked"): Promise<HeldDriver> {
  const driver = startDriver({
    home: setup.home,
    name: "H",
    tokenUrl: setup.server.url,
    command: [process.execPath, driverEntry, "--variant", variant],
    extraArguments: HELD_FLAGS,
  });
  drivers.push(driver);
  const held = new HeldDriver(driver);
  driver.setClock(nowMs);
  const read = await held.expectHeld("readDisk");
  expect(read).toEqual({ seq: 1, kind: "readDisk" });
  driver.release(1);
  expect(await held.next()).toMatchObject({ ready: true, name: "H", variant, held: true });
  return held;
}

describe("held mode", () => {
  test("every port call is announced with its details and waits for release; cached answers meanwhile", async () => {
    await writeFixture(setup.file, fixture({ generation: 0, stale: true }));
    const held = await startHeld(NOW_MS);
    const { driver } = held;
    const reply = driver.auth();
    const steps: Record<string, unknown>[] = [];
    for (const kind of ["acquireLock", "readDisk", "sendRefresh"]) {
      const event = await held.expectHeld(kind);
      steps.push(event);
      if (kind !== "sendRefresh") driver.release(event.seq as number);
    }
    expect(steps.map((step) => step.seq)).toEqual([2, 3, 4]);
    expect(steps[2]).toEqual({ seq: 4, kind: "sendRefresh", refreshToken: "rt-R0" });
    expect(setup.rotation.log).toEqual([]);
    expect(await driver.cached()).toMatchObject({
      ok: true,
      auth: {
        refreshToken: "rt-R0",
        poisoned: false,
        lastRefresh: new Date(NOW_MS - 9 * DAY_MS).toISOString(),
      },
    });
    driver.release(4);
    const answer = await held.expectHeld("receiveResponse");
    expect(answer).toEqual({ seq: 5, kind: "receiveResponse", response: { kind: "ok", status: 200 } });
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);
    driver.release(5);
    expect(await held.expectHeld("writeDisk")).toEqual({ seq: 6, kind: "writeDisk", mode: "atomic" });
    driver.release(6);
    driver.release((await held.expectHeld("releaseLock")).seq as number);
    const stamped = new Date(NOW_MS).toISOString();
    expect(await reply).toMatchObject({
      ok: true,
      auth: { accessToken: "at-R1", refreshToken: "rt-R1", lastRefresh: stamped },
    });
    expect(JSON.parse(await readFile(setup.file, "utf8")).last_refresh).toBe(stamped);
  });

  test("time is what clock lines say", async () => {
    await writeFixture(setup.file, fixture({ generation: 0, stale: false }));
    const held = await startHeld(NOW_MS);
    expect(await held.driver.auth()).toMatchObject({ ok: true, auth: { refreshToken: "rt-R0" } });
    held.driver.setClock(NOW_MS + 9 * DAY_MS);
    const kinds = await held.releaseUntil(held.driver.auth());
    expect(kinds).toEqual([
      "acquireLock",
      "readDisk",
      "sendRefresh",
      "receiveResponse",
      "writeDisk",
      "releaseLock",
    ]);
  });

  test("a rejected refresh is summarised: permanent, status, code, reason", async () => {
    await writeFixture(setup.file, fixture({ generation: 0, stale: true }));
    setup.rotation.generation = 3;
    const held = await startHeld(NOW_MS, "guarded");
    const reply = held.driver.refresh();
    held.driver.release((await held.expectHeld("readDisk")).seq as number);
    held.driver.release((await held.expectHeld("sendRefresh")).seq as number);
    const answer = await held.expectHeld("receiveResponse");
    expect(answer).toMatchObject({
      response: { kind: "permanent", status: 401, code: "refresh_token_reused", reason: "exhausted" },
    });
    held.driver.release(answer.seq as number);
    expect(await held.releaseUntil(reply)).toEqual([]);
    expect(await reply).toMatchObject({ ok: false, error: { kind: "permanent", reason: "exhausted" } });
  });

  test("bad control lines are refused with id null; requests before the ready line too", async () => {
    await writeFixture(setup.file, fixture({ generation: 0, stale: false }));
    const driver = startDriver({
      home: setup.home,
      name: "R",
      tokenUrl: setup.server.url,
      command: [process.execPath, driverEntry, "--variant", "locked"],
      extraArguments: HELD_FLAGS,
    });
    drivers.push(driver);
    const held = new HeldDriver(driver);
    await held.expectHeld("readDisk");
    expect(await driver.cached()).toMatchObject({ ok: false, error: { kind: "bad-request" } });
    driver.release(7);
    expect(await held.next()).toMatchObject({
      id: null,
      ok: false,
      error: { kind: "bad-request", message: "release: seq 7 is not held" },
    });
  });

  test("exit ends a held driver at once, a call held or not", async () => {
    await writeFixture(setup.file, fixture({ generation: 0, stale: true }));
    const held = await startHeld(NOW_MS);
    void held.driver.auth();
    await held.expectHeld("acquireLock");
    expect(await held.driver.exit()).toEqual({ code: 0, signal: null });
  });

  test("the end of stdin ends a held driver at once, even during its construction read", async () => {
    const child = spawn(process.execPath, [
      driverEntry,
      "--variant",
      "locked",
      "--home",
      setup.home,
      "--held",
    ]);
    let stdout = "";
    const printed = new Promise<void>((resolve) => {
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
        if (stdout.includes("\n")) resolve();
      });
    });
    await printed;
    expect(JSON.parse(stdout)).toEqual({ held: { seq: 1, kind: "readDisk" } });
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    child.stdin.end();
    expect(await closed).toBe(0);
  });
});

describe("lock options", () => {
  test.each([
    [["--lock-stale-ms", "10"], /--lock-stale-ms '10' is not an integer in \[2000, 86400000\]/],
    [["--lock-retries=-1"], /--lock-retries '-1' is not an integer/],
    [["--lock-retries", "201"], /--lock-retries '201' is not an integer in \[0, 200\]/],
  ])("%j -> exit 2", async (args, message) => {
    const child = spawn(process.execPath, [driverEntry, "--variant", "locked", "--home", "/tmp", ...args]);
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
