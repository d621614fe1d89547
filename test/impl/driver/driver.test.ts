// Proves the driver program end to end, as separate OS processes (one AuthManager each) speaking JSON lines:
// argument errors exit 2; the ready line; every command's reply shape and per-command trace; bad request
// lines; exit and kill. Then the cross-process property itself: two `locked` processes, both stale and asked
// together, send exactly one refresh; two `guarded` processes both send R0 (one 401, the loser poisoned
// until its next call adopts R1), as observed on real Codex 0.117.
import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type JsonLineDriver, spawnDriver } from "../../../impl/driver/client.js";
import type { Variant } from "../../../model/vocabulary.js";
import { type CliResult, runDriverProgram } from "../../support/cli.js";
import { driverEntry } from "../../support/paths.js";
import { fixture, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";
import { Rotation } from "../helpers/token-server.js";

const setup = useHomeAndServer();
const drivers: JsonLineDriver[] = [];

// Registered after useHomeAndServer's hooks, so it runs before them: drivers die before the server closes.
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.kill()));
});

/** Fixtures use the real clock here: a separate process cannot share a manual one. */
async function writeRealTimeFixture(generation: number, stale: boolean): Promise<void> {
  const snapshot = fixture({ generation, stale });
  const lastRefresh = new Date(Date.now() - (stale ? 9 : 0) * 24 * 60 * 60 * 1000).toISOString();
  await writeFixture(setup.file, { ...snapshot, lastRefresh });
}

async function start(variant: Variant, name: string): Promise<JsonLineDriver> {
  const result = await spawnDriver({
    home: setup.home,
    variant,
    name,
    tokenUrl: setup.server.url,
    command: [process.execPath, driverEntry],
  });
  if (!result.ok) throw new Error(`${result.error.message}\n${result.error.stderr}`);
  drivers.push(result.driver);
  return result.driver;
}

function runRaw(args: string[], input = ""): Promise<CliResult> {
  const environment = { ...process.env, CODEX_HOME: "", CODEX_REFRESH_TOKEN_URL_OVERRIDE: setup.server.url };
  return runDriverProgram(args, environment, input);
}

describe("arguments", () => {
  test.each([
    [["--home", "/tmp"], /--variant is required/],
    [["--variant", "nope", "--home", "/tmp"], /unknown variant 'nope'/],
    [["--variant", "locked"], /no --home and no CODEX_HOME/],
    [["--variant", "locked", "--home", "/tmp", "--bogus"], /Unknown option '--bogus'/],
  ])("%j -> exit 2", async (args, message) => {
    const result = await runRaw(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/usage:/);
  });
});

describe("commands", () => {
  test("ready line, then one reply per request with that command's trace", async () => {
    await writeRealTimeFixture(0, false);
    const input = [
      '{"id":1,"cmd":"auth"}',
      '{"id":2,"cmd":"refresh"}',
      '{"id":3,"cmd":"cached"}',
      "nonsense",
      '{"id":4,"cmd":"fly"}',
      '{"id":5,"cmd":"exit"}',
    ].join("\n");
    const result = await runRaw(
      ["--variant", "locked", "--home", setup.home, "--name", "solo"],
      `${input}\n`,
    );
    const lines = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(result.code).toBe(0);
    expect(lines[0]).toMatchObject({ ready: true, name: "solo", variant: "locked" });
    expect(typeof lines[0].pid).toBe("number");
    const byId = new Map(lines.slice(1).map((line) => [line.id, line]));
    expect(byId.get(1)).toEqual({
      id: 1,
      ok: true,
      auth: { accessToken: "at-R0", refreshToken: "rt-R0", accountId: "account-1", poisoned: false },
      trace: [{ event: "callAuth" }],
    });
    expect(byId.get(2)).toMatchObject({
      id: 2,
      ok: true,
      auth: { accessToken: "at-R1", refreshToken: "rt-R1" },
    });
    expect(byId.get(2).trace.map((event: { event: string }) => event.event)).toEqual([
      "callRefresh",
      "acquireLock",
      "readDisk",
      "sendRefresh",
      "receiveResponse",
      "writeDisk",
      "releaseLock",
    ]);
    expect(byId.get(3)).toMatchObject({ id: 3, ok: true, trace: [] });
    expect(byId.get(null)).toMatchObject({
      ok: false,
      error: { kind: "bad-request", message: "request is not JSON" },
    });
    expect(byId.get(4)).toMatchObject({ ok: false, error: { kind: "bad-request" } });
    expect(byId.get(5)).toEqual({ id: 5, ok: true, auth: null, trace: [] });
  });

  test("refresh, unauthorized, cached through the client", async () => {
    await writeRealTimeFixture(0, false);
    const driver = await start("persist-locked", "P");
    const refreshed = await driver.refresh();
    expect(refreshed).toMatchObject({
      ok: true,
      auth: { accessToken: "at-R1", refreshToken: "rt-R1", poisoned: false },
    });
    expect(refreshed.trace.map((event) => event.event)).toEqual([
      "callRefresh",
      "readDisk",
      "sendRefresh",
      "receiveResponse",
      "acquireLock",
      "readDisk",
      "writeDisk",
      "releaseLock",
      "readDisk",
    ]);
    // The API takes R1's access token: the request is answered 200 and nothing else happens.
    const answered = await driver.unauthorized();
    expect(answered).toMatchObject({ ok: true, auth: { accessToken: "at-R1" } });
    expect(answered.trace.map((event) => event.event)).toEqual(["callUnauthorized", "sendRequest"]);
    // Once it answers 401: Reload (no change), the request again, then RefreshToken POSTs the cached R1.
    setup.rotation.apiAccepts = () => false;
    const recovered = await driver.unauthorized();
    expect(recovered).toMatchObject({ ok: true, auth: { accessToken: "at-R2" } });
    expect(recovered.trace.map((event) => event.event).slice(0, 5)).toEqual([
      "callUnauthorized",
      "sendRequest",
      "readDisk",
      "sendRequest",
      "sendRefresh",
    ]);
    expect(await driver.cached()).toMatchObject({ ok: true, auth: { accessToken: "at-R2" }, trace: [] });
    expect(JSON.parse(await readFile(setup.file, "utf8")).tokens.refresh_token).toBe("rt-R2");
    expect(await driver.exit()).toEqual({ code: 0, signal: null });
  });

  test("an error reply carries the cached auth", async () => {
    await writeRealTimeFixture(0, false);
    setup.rotation.generation = 3;
    const driver = await start("guarded", "G");
    const reply = await driver.refresh();
    expect(reply).toMatchObject({
      ok: false,
      error: { kind: "permanent", reason: "exhausted" },
      auth: { accessToken: "at-R0", poisoned: true },
    });
  });

  test("kill ends the process at once; later commands report driver-exited", async () => {
    await writeRealTimeFixture(0, false);
    const driver = await start("locked", "K");
    expect(await driver.kill()).toEqual({ code: null, signal: "SIGKILL" });
    expect(await driver.auth()).toMatchObject({ ok: false, error: { kind: "driver-exited" } });
  });
});

describe("several processes sharing one auth.json", () => {
  beforeEach(() => {
    setup.rotation.delayMs = 300;
  });

  test("locked: two stale processes asked together send exactly one refresh", async () => {
    await writeRealTimeFixture(0, true);
    const [first, second] = [await start("locked", "A"), await start("locked", "B")];
    const replies = await Promise.all([first.auth(), second.auth()]);
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);
    for (const reply of replies)
      expect(reply).toMatchObject({ ok: true, auth: { accessToken: "at-R1", poisoned: false } });
  });

  test("guarded: both send R0; the loser is poisoned, then adopts R1 without a POST", async () => {
    await writeRealTimeFixture(0, true);
    const [first, second] = [await start("guarded", "A"), await start("guarded", "B")];
    const replies = await Promise.all([first.auth(), second.auth()]);
    expect(setup.rotation.log).toEqual([
      { refreshToken: "rt-R0", status: 200 },
      { refreshToken: "rt-R0", status: 401 },
    ]);
    const loserIndex = replies.findIndex((reply) => reply.auth?.poisoned === true);
    expect(loserIndex).toBeGreaterThanOrEqual(0);
    const loser = loserIndex === 0 ? first : second;
    expect(await loser.auth()).toMatchObject({ ok: true, auth: { accessToken: "at-R1", poisoned: false } });
    expect(setup.rotation.log).toHaveLength(2);
  });
});

test("the driver's stderr never shows a token whole", async () => {
  const secret = new Rotation("rt-very-secret-refresh-", "at-very-secret-access-");
  secret.generation = 9;
  setup.server.handler = secret.handle;
  await writeFixture(setup.file, {
    ...fixture({
      generation: 0,
      stale: true,
      refreshPrefix: "rt-very-secret-refresh-",
      accessPrefix: "at-very-secret-access-",
    }),
    lastRefresh: new Date(Date.now() - 9 * 24 * 60 * 60 * 1000).toISOString(),
  });
  const driver = await start("legacy", "S");
  const reply = await driver.auth();
  expect(reply).toMatchObject({ ok: true, refreshError: { kind: "permanent" } });
  await driver.exit();
  const logged = driver.stderr();
  expect(logged).toMatch(/Failed to refresh token/);
  expect(logged).toMatch(/rt-very\.\.\./);
  expect(logged).not.toMatch(/very-secret-refresh-R0|very-secret-access-R0/);
  expect(JSON.stringify(reply.trace)).not.toMatch(/very-secret-refresh-R0/);
});
