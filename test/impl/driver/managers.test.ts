// Proves `--managers <n>`: one driver process holds n auth managers on the same CODEX_HOME, each with its own cache
// (a refresh by one leaves the other's cache on R0, as Codex's second AuthManager's would be), addressed by a
// request's `manager` field (absent: 0) and seen from the client as one DriverProcess per manager (ManagerView,
// same pid). A manager the process does not hold, a bad `manager` field, and --managers out of range or next to
// --held are refused.
import { afterEach, describe, expect, test } from "vitest";
import { parseDriverArguments } from "../../../impl/driver/arguments.js";
import { type JsonLineDriver, spawnDriver } from "../../../impl/driver/client.js";
import { managerViews } from "../../../impl/driver/manager-view.js";
import { parseRequest } from "../../../impl/driver/protocol.js";
import { driverEntry } from "../../support/paths.js";
import { fixture, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const setup = useHomeAndServer();
const drivers: JsonLineDriver[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.kill()));
});

async function start(managers: number): Promise<JsonLineDriver> {
  await writeFixture(setup.file, fixture({ generation: 0, stale: true }));
  const started = await spawnDriver({
    home: setup.home,
    variant: "guarded",
    name: "P",
    tokenUrl: setup.server.url,
    command: [process.execPath, driverEntry],
    extraArguments: ["--managers", String(managers)],
  });
  if (!started.ok) throw new Error(`${started.error.message}: ${started.error.stderr}`);
  drivers.push(started.driver);
  return started.driver;
}

describe("two managers in one process", () => {
  test("each keeps its own cache: A's refresh leaves B on R0 until B is asked and reloads R1", async () => {
    const driver = await start(2);
    const [a, b] = managerViews(driver, ["A", "B"]);
    if (a === undefined || b === undefined) throw new Error("two views expected");
    expect(a.pid).toBe(driver.pid);
    expect(b.pid).toBe(driver.pid);

    const refreshed = await a.auth();
    expect(refreshed).toMatchObject({ ok: true, auth: { refreshToken: "rt-R1" } });
    expect(await b.cached()).toMatchObject({ ok: true, auth: { refreshToken: "rt-R0" } });
    // guarded: B's stale auth() goes through the guarded reload, which finds R1 on disk ("Changed"): no POST.
    const asked = await b.auth();
    expect(asked).toMatchObject({ ok: true, auth: { refreshToken: "rt-R1" } });
    expect(setup.rotation.log).toEqual([{ refreshToken: "rt-R0", status: 200 }]);
  });

  test("a request for a manager the process does not hold is a bad request", async () => {
    const driver = await start(2);
    const [, , missing] = managerViews(driver, ["A", "B", "C"]);
    expect(await missing?.cached()).toMatchObject({
      ok: false,
      error: { kind: "bad-request", message: "no manager 2: this process holds 2 (--managers)" },
    });
  });
});

describe("refusals", () => {
  test.each([
    [["--managers", "0"], /--managers '0' is not an integer in \[1, 4\]/],
    [["--managers", "5"], /--managers '5' is not an integer in \[1, 4\]/],
    [["--managers", "2", "--held"], /--managers above 1 excludes --held/],
  ])("%j", (extra, message) => {
    const parsed = parseDriverArguments(["--variant", "guarded", "--home", "/tmp/h", ...extra], {});
    expect(parsed).toMatchObject({ ok: false, help: false });
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  test("one manager unless asked; the manager field must be a non-negative integer", () => {
    const parsed = parseDriverArguments(["--variant", "guarded", "--home", "/tmp/h"], {});
    expect(parsed.ok && parsed.arguments.managers).toBe(1);
    expect(parseRequest('{"id":1,"cmd":"auth","manager":1}')).toEqual({
      ok: true,
      request: { id: 1, cmd: "auth", manager: 1 },
    });
    expect(parseRequest('{"id":1,"cmd":"auth","manager":-1}')).toEqual({
      ok: false,
      id: 1,
      message: "manager must be a non-negative integer",
    });
  });
});
