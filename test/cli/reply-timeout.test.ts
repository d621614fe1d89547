// Proves that a reply timeout names the limit that actually fired, and that the limit is a flag: a scenario
// process asked with a 200 ms limit against a server that answers after 1 s times out naming that limit (not the
// client's DRIVER_REPLY_TIMEOUT_MS default); `authrace stress --reply-timeout-ms` and `authrace scenario
// --reply-timeout-ms` set it, and their failure names the flag; a value out of bounds is a usage error.
import { afterEach, describe, expect, test } from "vitest";
import type { DriverProcess } from "../../impl/driver/client.js";
import { referenceImplementation } from "../../scenarios/index.js";
import { startTokenServer, type TokenServer, writeFamilyAuthJson } from "../../server/index.js";
import { makeTempHome, type TempHome } from "../impl/helpers/home.js";
import { runCli } from "../support/cli.js";

const CLI_TIMEOUT_MS = 30_000;
const opened: { server?: TokenServer; home?: TempHome; driver?: DriverProcess } = {};

afterEach(async () => {
  await opened.driver?.kill();
  await opened.server?.close();
  await opened.home?.cleanup();
});

describe("the limit that fired is the one named", () => {
  test("a factory's reply timeout is named in the driver-timeout message", async () => {
    opened.server = await startTokenServer({ responseDelayMs: 1_000 });
    opened.home = await makeTempHome();
    const family = opened.server.createFamily();
    await writeFamilyAuthJson(opened.home.file, family, Date.now() - 9 * 86_400_000, "replace");
    const factory = referenceImplementation("locked");
    const started = await factory.spawn({
      codexHome: opened.home.home,
      name: "A",
      tokenUrl: opened.server.tokenUrl,
      replyTimeout: { ms: 200, limit: "TEST_LIMIT_MS" },
    });
    if (!started.ok) throw new Error(started.error.message);
    opened.driver = started.driver;
    const reply = await started.driver.refresh();
    expect(reply).toMatchObject({ ok: false, error: { kind: "driver-timeout" } });
    expect(reply.ok === false && reply.error.message).toBe(
      "no reply to refresh within 200 ms (TEST_LIMIT_MS)",
    );
  });
});

describe("--reply-timeout-ms", () => {
  test("stress: the run fails naming the flag", async () => {
    const result = await runCli(
      ["stress", "--variant", "locked", "--processes", "1", "--calls", "1", "--seed", "1"].concat([
        "--server-delay-ms",
        "1000",
        "--reply-timeout-ms",
        "200",
      ]),
      CLI_TIMEOUT_MS,
    );
    expect(result.code).toBe(1);
    // The report (stdout) says why the run is incomplete.
    expect(result.stdout).toContain("RUN INCOMPLETE");
    expect(result.stdout).toContain("within 200 ms (--reply-timeout-ms)");
  });

  test("scenario: the run fails naming the flag", async () => {
    const result = await runCli(
      ["scenario", "simultaneous", "--variant", "locked", "--reply-timeout-ms", "100"],
      CLI_TIMEOUT_MS,
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("within 100 ms (--reply-timeout-ms)");
  });

  test.each([
    ["stress", "--variant", "locked"],
    ["scenario", "simultaneous", "--variant", "locked"],
  ])("%s: out of bounds is a usage error", async (...args) => {
    const result = await runCli([...args, "--reply-timeout-ms", "0"], CLI_TIMEOUT_MS);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--reply-timeout-ms must be an integer in \[1, 600000\]/);
  });
});
