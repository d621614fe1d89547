// Proves where the driver's auth manager comes from besides --variant. `--module <path>` (the process side of
// `--impl module:<path>`): a module exporting impl/plugin's interface runs inside the driver program, whose
// ready line names the module's variant and whose replies carry what the module's manager returned (with an
// empty trace: the plugin interface takes no trace sink); --module with --variant, a module that cannot be
// imported, and one without `load` exit 2 naming the file. `--mutant <name>` (`--impl mutant:<name>`): the
// reference manager with one rule broken, its base design as the variant, the mutant named in the ready line;
// an unknown mutant or a --variant that is not its base exit 2. The client spawns such drivers without
// --variant, and every driver gets CODEX_HOME set to its home.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { type JsonLineDriver, spawnDriver } from "../../../impl/driver/client.js";
import { type CliResult, runDriverProgram } from "../../support/cli.js";
import { driverEntry, repositoryRoot } from "../../support/paths.js";
import { DAY_MS, fixture, writeFixture } from "../helpers/home.js";
import { useHomeAndServer } from "../helpers/home-and-server.js";

const FIXTURES = join(repositoryRoot, "test/stress/fixtures");
const REFERENCE_MODULE = join(FIXTURES, "reference-locked.mjs");
const NO_LOAD_MODULE = join(FIXTURES, "no-load.mjs");

const setup = useHomeAndServer();
const drivers: JsonLineDriver[] = [];

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.kill()));
});

async function writeStaleFixture(): Promise<void> {
  const snapshot = fixture({ generation: 0, stale: true });
  await writeFixture(setup.file, {
    ...snapshot,
    lastRefresh: new Date(Date.now() - 9 * DAY_MS).toISOString(),
  });
}

function runRaw(args: string[]): Promise<CliResult> {
  return runDriverProgram(args, { ...process.env, CODEX_HOME: "" });
}

describe("--module and --mutant arguments", () => {
  test.each([
    [
      ["--module", REFERENCE_MODULE, "--variant", "locked", "--home", "/tmp"],
      /--module excludes --variant and --mutant/,
    ],
    [["--module", "/nonexistent/impl.mjs", "--home", "/tmp"], /\/nonexistent\/impl\.mjs: cannot import/],
    [["--module", NO_LOAD_MODULE, "--home", "/tmp"], /no-load\.mjs: export 'load\(\{ ports, name \}\)'/],
    [["--mutant", "nope", "--home", "/tmp"], /unknown mutant 'nope' \(one of .*no-account-check/],
    [
      ["--mutant", "unlock-before-save", "--variant", "guarded", "--home", "/tmp"],
      /mutant 'unlock-before-save' is a mutant of 'locked', not of 'guarded'/,
    ],
    [["--mutant", "unlock-before-save", "--module", REFERENCE_MODULE, "--home", "/tmp"], /--module excludes/],
  ])("%j -> exit 2 naming the problem", async (args, message) => {
    const result = await runRaw(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
  });
});

test("a module's manager answers the commands; the ready line names its variant", async () => {
  await writeStaleFixture();
  const result = await spawnDriver({
    home: setup.home,
    name: "M",
    tokenUrl: setup.server.url,
    command: [process.execPath, driverEntry, "--module", REFERENCE_MODULE],
  });
  if (!result.ok) throw new Error(`${result.error.message}\n${result.error.stderr}`);
  drivers.push(result.driver);
  const refreshed = await result.driver.refresh();
  expect(refreshed).toMatchObject({ ok: true, auth: { refreshToken: "rt-R1", poisoned: false }, trace: [] });
  const cached = await result.driver.cached();
  expect(cached).toMatchObject({ ok: true, auth: { refreshToken: "rt-R1" } });
  expect(setup.server.requests).toHaveLength(1);
  expect(await result.driver.exit()).toEqual({ code: 0, signal: null });
});

test("the ready line of a module driver carries the module's variant and the default name", async () => {
  await writeStaleFixture();
  const child = spawn(process.execPath, [driverEntry, "--module", REFERENCE_MODULE], {
    env: { ...process.env, CODEX_HOME: setup.home },
  });
  const firstLine = await new Promise<string>((resolve) => {
    child.stdout.setEncoding("utf8");
    child.stdout.once("data", (chunk: string) => resolve(chunk.split("\n")[0] ?? ""));
  });
  child.stdin.end();
  await new Promise((resolve) => child.on("close", resolve));
  const ready = JSON.parse(firstLine);
  expect(ready).toMatchObject({ ready: true, variant: "locked", name: `locked-${child.pid}` });
});

test("spawnDriver without a variant passes --home and --name only, and sets CODEX_HOME and the token URL", async () => {
  // A stand-in driver program that reports what it was given in its ready line, then waits for stdin to end.
  const script = [
    "const seen = { argv: process.argv.slice(1), home: process.env.CODEX_HOME,",
    "  url: process.env.CODEX_REFRESH_TOKEN_URL_OVERRIDE };",
    'console.log(JSON.stringify({ ready: true, name: JSON.stringify(seen), variant: "none", pid: process.pid }));',
    "process.stdin.resume();",
  ].join("\n");
  const result = await spawnDriver({
    home: setup.home,
    name: "C",
    tokenUrl: setup.server.url,
    command: [process.execPath, "-e", script, "--"],
  });
  if (!result.ok) throw new Error(`${result.error.message}\n${result.error.stderr}`);
  drivers.push(result.driver);
  const ready = await result.driver.waitReady();
  expect(JSON.parse(ready?.name ?? "null")).toEqual({
    argv: ["--home", setup.home, "--name", "C"],
    home: setup.home,
    url: setup.server.url,
  });
});

test("--mutant: the ready line names the base variant and the mutant; the broken rule shows", async () => {
  await writeStaleFixture();
  const result = await spawnDriver({
    home: setup.home,
    name: "X",
    tokenUrl: setup.server.url,
    command: [process.execPath, driverEntry, "--mutant", "no-reread-after-lock"],
  });
  if (!result.ok) throw new Error(`${result.error.message}\n${result.error.stderr}`);
  drivers.push(result.driver);
  expect(await result.driver.waitReady()).toMatchObject({
    ready: true,
    name: "X",
    variant: "locked",
    mutant: "no-reread-after-lock",
  });
  const refreshed = await result.driver.refresh();
  // The intact locked flow re-reads auth.json after acquiring the lock; this mutant POSTs its cache at once.
  expect(refreshed.trace.map((event) => event.event)).toEqual([
    "callRefresh",
    "acquireLock",
    "sendRefresh",
    "receiveResponse",
    "writeDisk",
    "releaseLock",
  ]);
});
