/**
 * Proves the app-server adapter's transport on fake `codex` programs: replies are matched by id across
 * interleaved notifications; `authToken: null` becomes a poisoned DriverAuth; a binary that dies at
 * startup (the sqlite initialisation race) or mid-request is reported as a crash with its stderr at once,
 * never waited out; a silent one times out with the limit named; `unauthorized` and `cached` say plainly
 * that app-server does not support them.
 */
import { afterAll, describe, expect, it } from "vitest";
import { CodexAppServer, NOT_SUPPORTED } from "../../codex/app-server.js";
import { CodexDriver, spawnCodexDriver } from "../../codex/driver.js";
import { createCodexHome, removeCodexHome } from "../../codex/home.js";
import { fakeAppServer, removeTemporaryDirectories } from "./fakes.js";

const home = createCodexHome("adapter-test");
const TOKEN_URL = "http://127.0.0.1:9/oauth/token";

afterAll(() => {
  removeCodexHome(home);
  removeTemporaryDirectories();
});

function start(binaryPath: string, timeouts: { startupTimeoutMs?: number; requestTimeoutMs?: number } = {}) {
  return CodexAppServer.start({
    name: "fake",
    binaryPath,
    home,
    tokenUrl: TOKEN_URL,
    network: { mode: "loopback-config" },
    ...timeouts,
  });
}

describe("codex app-server adapter", () => {
  it("matches replies by id and reports a poisoned snapshot", async () => {
    const started = await spawnCodexDriver({
      binaryPath: fakeAppServer("poisoned"),
      codexHome: home.codexHome,
      name: "A",
      tokenUrl: TOKEN_URL,
      network: { mode: "loopback-config" },
    });
    if (!started.ok) throw new Error(started.error.message);
    const reply = await started.driver.auth();
    expect(reply).toMatchObject({ ok: true, auth: { poisoned: true, accessToken: "" } });
    const refreshed = await started.driver.refresh();
    expect(refreshed).toMatchObject({ ok: true, auth: { poisoned: true } });
    expect(await started.driver.exit()).toEqual({ code: 0, signal: null });
  });

  it("answers unauthorized and cached with 'not supported by codex app-server'", async () => {
    const started = await start(fakeAppServer("poisoned"));
    if (!started.ok) throw new Error(started.failure.message);
    const driver = new CodexDriver(started.process);
    const unauthorized = await driver.unauthorized();
    expect(unauthorized).toMatchObject({
      ok: false,
      error: { kind: "unsupported", message: NOT_SUPPORTED.unauthorized },
    });
    expect((await driver.cached()).ok).toBe(false);
    expect(NOT_SUPPORTED.unauthorized).toContain("not supported by codex app-server");
    await driver.exit();
  });

  it("reports a crash at startup as a crash, with the binary's stderr", async () => {
    const startedAt = Date.now();
    const started = await start(fakeAppServer("crash-on-initialize"));
    expect(started).toMatchObject({ ok: false, failure: { kind: "crash" } });
    if (!started.ok) {
      expect(started.failure.message).toContain("exited with code 3");
      expect(started.failure.message).toContain("failed to initialize sqlite state runtime");
    }
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it("reports a crash during a request as a crash, not a timeout", async () => {
    const started = await start(fakeAppServer("crash-on-auth"));
    if (!started.ok) throw new Error(started.failure.message);
    const reply = await started.process.auth();
    expect(reply).toMatchObject({ ok: false, failure: { kind: "crash" } });
    if (!reply.ok) expect(reply.failure.message).toContain("killed by SIGSEGV");
    await started.process.exit();
  });

  it("gives up on a binary that never answers, naming the limit", async () => {
    const started = await start(fakeAppServer("silent"), { startupTimeoutMs: 500 });
    expect(started).toMatchObject({ ok: false, failure: { kind: "timeout" } });
    if (!started.ok) expect(started.failure.message).toContain("startupTimeoutMs");
  });
});
