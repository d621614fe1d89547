// Proves `authrace stress` as a user runs it (node dist/cli/main.js, real processes): the seed is printed first
// and the run can be asserted with --expect-stale-sends (a locked run expected to find some exits 3); bad flags
// are usage errors (exit 2) naming the flag and its limit; `--impl cmd:<command>` runs any driver program (here
// the reference driver given as a command); `--impl module:<path>` runs a module exporting impl/plugin's
// interface inside the reference driver; a module without `load` is a usage error naming the file;
// `--impl mutant:<name>` runs a design with one rule broken, judged as its base: `no-reread-after-lock` (locked
// without the re-read under the lock) sends stale tokens as soon as two processes refresh R0, and exits 3.
import { describe, expect, test } from "vitest";
import { UsageError } from "../../cli/command.js";
import { parseStressArgs } from "../../cli/commands/stress.js";
import { STRESS_DEFAULTS } from "../../stress/index.js";
import { type CliResult, runCli } from "../support/cli.js";
import { repositoryRoot } from "../support/paths.js";

const CLI_TIMEOUT_MS = 60_000;
const REFERENCE_MODULE = "test/stress/fixtures/reference-locked.mjs";

function cli(args: string[]): Promise<CliResult> {
  return runCli(["stress", ...args], CLI_TIMEOUT_MS);
}

describe("parseStressArgs", () => {
  test("defaults, and --variant as --impl ref:", () => {
    expect(parseStressArgs(["--variant", "guarded"])).toEqual({
      implementations: [{ variant: "guarded" }],
      specs: ["ref:guarded"],
      settings: {
        processes: STRESS_DEFAULTS.processes,
        calls: STRESS_DEFAULTS.calls,
        delayMaxMs: STRESS_DEFAULTS.delayMaxMs,
        tokenTtlSeconds: STRESS_DEFAULTS.tokenTtlSeconds,
        serverDelayMs: STRESS_DEFAULTS.serverDelayMs,
      },
      seed: null,
      expectation: null,
      startGapMs: null,
      record: null,
      faults: [],
      json: false,
    });
    expect(parseStressArgs(["--variant", "guarded", "--start-gap-ms", "0"]).startGapMs).toBe(0);
    expect(parseStressArgs(["--impl", "ref:guarded"]).implementations).toEqual([{ variant: "guarded" }]);
  });

  test("--impl repeated mixes implementations, in order", () => {
    const args = parseStressArgs(["--impl", "ref:flocked", "--impl", "codex:0.171.0", "--processes", "4"]);
    expect(args.implementations).toEqual([{ variant: "flocked" }, { codexVersion: "0.171.0" }]);
    expect(args.specs).toEqual(["ref:flocked", "codex:0.171.0"]);
  });

  test("cmd: is split on spaces; module: is resolved to an absolute path; mutant: names a mutant", () => {
    expect(parseStressArgs(["--impl", "mutant:save-in-place"]).implementations).toEqual([
      {
        mutant: "save-in-place",
      },
    ]);
    expect(parseStressArgs(["--impl", "cmd:node  driver.js --variant locked"]).implementations).toEqual([
      {
        command: ["node", "driver.js", "--variant", "locked"],
      },
    ]);
    expect(parseStressArgs(["--impl", "module:impl.mjs"]).implementations).toEqual([
      {
        modulePath: `${process.cwd()}/impl.mjs`,
      },
    ]);
  });

  test.each([
    [
      ["--variant", "locked", "--processes", "0"],
      /--processes must be an integer in \[1, 64\] \(processesMax\), got '0'/,
    ],
    [["--variant", "locked", "--processes", "65"], /\(processesMax\), got '65'/],
    [["--variant", "locked", "--calls", "2001"], /--calls must be an integer in \[1, 2000\] \(callsMax\)/],
    [["--variant", "locked", "--calls", "ten"], /--calls must be an integer .* got 'ten'/],
    [["--variant", "locked", "--seed=-1"], /--seed must be an integer in \[0, 4294967295\] \(seedMax\)/],
    [["--variant", "locked", "--delay-max-ms", "5000"], /--delay-max-ms .* \(delayMaxMs\)/],
    [["--variant", "locked", "--server-delay-ms", "1.5"], /--server-delay-ms .* \(serverDelayMsMax\)/],
    [["--variant", "locked", "--token-ttl-seconds", "99999"], /\(tokenTtlSecondsMax\)/],
    [
      ["--variant", "locked", "--expect-stale-sends", "few"],
      /--expect-stale-sends must be one of none, some, any/,
    ],
    [["--variant", "locked", "--bogus"], /Unknown option '--bogus'/],
    [["--variant", "locked", "extra"], /Unexpected argument 'extra'/],
    [
      [],
      /--variant is required .*, or --impl ref:<variant> \| codex:<version\|path> \| cmd:<command> \| module:<path>/,
    ],
    [
      ["--impl", "python:3"],
      /unknown implementation 'python:3' \(expected ref:<variant>, codex:<version\|path>, cmd:<command>, module:<path> or mutant:<name>\)/,
    ],
    [["--impl", "cmd:  "], /--impl 'cmd: {2}': no command after cmd:/],
    [["--impl", "module:"], /--impl 'module:': no path after module:/],
    [["--variant", "locked", "--impl", "cmd:x"], /a cmd: program is not told a variant/],
    [["--variant", "locked", "--impl", "module:x.mjs"], /a module exports its own variant/],
    [["--impl", "mutant:nope"], /--impl 'mutant:nope': unknown mutant 'nope' \(known: .*no-account-check/],
    [["--variant", "locked", "--impl", "mutant:unlock-before-save"], /a mutant claims its base design/],
    [
      ["--variant", "locked", "--impl", "ref:locked", "--impl", "codex:0.171.0"],
      /--variant and several --impl/,
    ],
    [
      ["--impl", "ref:flocked", "--impl", "codex:0.171.0", "--processes", "1"],
      /--processes 1 is fewer than the 2 implementations mixed/,
    ],
    [
      ["--impl", "ref:flocked", "--impl", "codex:0.171.0", "--record", "run.json"],
      /--record takes a run of one implementation/,
    ],
  ])("%j is a usage error", (argv, message) => {
    expect(() => parseStressArgs(argv)).toThrow(UsageError);
    expect(() => parseStressArgs(argv)).toThrow(message);
  });
});

test("the CLI exits 2 on a bad flag, naming it, with the usage", async () => {
  const result = await cli(["--variant", "locked", "--processes", "99"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--processes must be an integer in \[1, 64\] \(processesMax\)/);
  expect(result.stderr).toMatch(/usage: authrace stress/);
  expect(result.stdout).toBe("");
});

test("the seed comes first; a locked run asserted to find stale sends exits 3", async () => {
  const result = await cli([
    "--variant",
    "locked",
    "--processes",
    "2",
    "--calls",
    "3",
    "--seed",
    "7",
    "--expect-stale-sends",
    "some",
  ]);
  expect(result.code).toBe(3);
  const lines = result.stdout.split("\n");
  expect(lines[0]).toBe("seed 7");
  expect(result.stdout).toMatch(/^stale sends +0$/m);
  expect(result.stdout).toMatch(/NoStaleRefreshSent holds: 0 stale sends/);
  expect(result.stdout).toMatch(/DIFFERS from --expect-stale-sends some/);
  expect(result.stdout).toMatch(
    /replay: authrace stress --impl ref:locked --processes 2 --calls 3 --seed 7 /,
  );
});

test("--impl cmd: runs the reference driver given as a command; judged by the invariant", async () => {
  const spec = "cmd:node dist/impl/driver/main.js --variant locked";
  const result = await cli(["--impl", spec, "--processes", "2", "--calls", "5", "--seed", "3", "--json"]);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe("authrace stress: seed 3\n");
  const json = JSON.parse(result.stdout);
  expect(json).toMatchObject({
    seed: 3,
    implementation: spec,
    variant: null,
    calls: 10,
    staleSends: 0,
    expectation: "none",
    agreement: "matches",
    problems: [],
  });
  expect(json.posts).toBeGreaterThanOrEqual(1);
  expect(json.replay).toContain(`--impl '${spec}'`);
});

test("--impl module: runs a module's manager in the reference driver; judged by its variant", async () => {
  const result = await cli([
    "--impl",
    `module:${REFERENCE_MODULE}`,
    "--processes",
    "2",
    "--calls",
    "5",
    "--json",
  ]);
  expect(result.code, result.stderr).toBe(0);
  const json = JSON.parse(result.stdout);
  expect(json).toMatchObject({
    implementation: `module:${repositoryRoot}/${REFERENCE_MODULE}`,
    variant: "locked",
    calls: 10,
    staleSends: 0,
    expectation: "none",
    agreement: "matches",
  });
});

test("--impl module: without load() is a usage error naming the file", async () => {
  const result = await cli(["--impl", "module:test/stress/fixtures/no-load.mjs"]);
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/no-load\.mjs: export 'load\(\{ ports, name \}\)' is missing/);
});

test("--impl mutant: is judged as its base design; a killed mutant exits 3", async () => {
  const args = [
    "--impl",
    "mutant:no-reread-after-lock",
    "--processes",
    "3",
    "--calls",
    "2",
    "--delay-max-ms",
    "0",
  ];
  const result = await cli([...args, "--json"]);
  expect(result.code, result.stderr).toBe(3);
  const json = JSON.parse(result.stdout);
  expect(json).toMatchObject({
    implementation: "mutant:no-reread-after-lock",
    variant: "locked",
    expectation: "none",
    agreement: "differs",
  });
  // All three hold R0 when they refresh at once; the lock orders them, and the two that follow the first POST
  // their cached R0 without re-reading.
  expect(json.staleSends).toBeGreaterThanOrEqual(1);
});
