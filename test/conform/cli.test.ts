/**
 * Proves `authrace replay` and `authrace conform` as a user runs them (node dist/cli/main.js, real processes):
 * a counterexample file written by `authrace verify --out` replays on its own design with every step followed
 * and the real server's stale-send record shown (exit 0, tokens redacted; --json too); the same locked path on
 * `mutant:no-reread-after-lock` diverges (exit 1); a file that cannot be read, is not JSON or has a bad field is
 * refused naming the file and the field (exit 2); a stall trace is refused as not drivable (exit 3); codex: and
 * cmd: without --variant are usage errors. `conform --variant locked --faults crash` conforms with full
 * coverage (exit 0); `conform --impl mutant:save-in-place` diverges and shows the path (exit 1).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { UsageError } from "../../cli/command.js";
import { REPLAY_EXIT } from "../../cli/commands/replay.js";
import { resolveSubjectChoice } from "../../cli/implementation/spec.js";
import { traceJson } from "../../proofs/render.js";
import { runTheorem } from "../../proofs/run.js";
import { findTheorem } from "../../proofs/theorems.js";
import { traceOf } from "../../proofs/trace.js";
import { type CliResult, runCli } from "../support/cli.js";

const CLI_TIMEOUT_MS = 60_000;
/** A token shown whole: `rt_` and more than the four characters redact() keeps. */
const WHOLE_TOKEN = /rt_[\w-]{5,}/;

function cli(args: string[]): Promise<CliResult> {
  return runCli(args, CLI_TIMEOUT_MS);
}

let directory = "";
let lockedCrash = "";

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), "authrace-replay-cli-"));
  const verify = await cli([
    "verify",
    "--tier",
    "test",
    "--filter",
    "locked/N2/crash",
    "--no-scenarios",
    "--no-real",
    "--out",
    directory,
  ]);
  expect(verify.code, verify.stderr).toBe(0);
  lockedCrash = join(directory, "locked_N2_crash", "NoStaleRefreshSent.json");
}, CLI_TIMEOUT_MS);

afterAll(() => {
  if (directory !== "") rmSync(directory, { recursive: true, force: true });
});

/** A copy of the locked/N2/crash trace with one change, written next to it. */
function variantFile(name: string, change: (trace: Record<string, unknown>) => void): string {
  const trace = JSON.parse(readFileSync(lockedCrash, "utf8")) as Record<string, unknown>;
  change(trace);
  const file = join(directory, name);
  writeFileSync(file, JSON.stringify(trace));
  return file;
}

describe("authrace replay", () => {
  test("a verify counterexample replays on its own design; the real server rejects the rotated-out token", async () => {
    const result = await cli(["replay", lockedCrash]);
    expect(result.code, result.stdout + result.stderr).toBe(REPLAY_EXIT.reproduced);
    expect(result.stdout).toContain("on ref:locked");
    expect(result.stdout).toMatch(/^ +10\. B sendRefresh/m);
    expect(result.stdout).toMatch(/POST \/oauth\/token refresh_token=rt_\S{4}\.\.\. -> 200 rotated/);
    expect(result.stdout).toContain("the implementation followed the model for all 10 steps");
    expect(result.stdout).toContain("the real server rejected a rotated-out refresh token at step 10");
    expect(result.stdout).toMatch(/-> 401 reused refresh_token_reused .*stale-send/);
    expect(result.stdout).toMatch(/^ {2}B:cached_after=rt_\S{4}\.\.\. \(R0\)/m);
    expect(result.stdout).not.toMatch(WHOLE_TOKEN);
  });

  test("--json: one object, the violating step's POST redacted and judged reused", async () => {
    const result = await cli(["replay", lockedCrash, "--json"]);
    expect(result.code, result.stderr).toBe(REPLAY_EXIT.reproduced);
    const json = JSON.parse(result.stdout) as {
      outcome: string;
      stepsRun: number;
      steps: { posts: { verdict: string; refreshToken: string; staleSend: boolean }[] }[];
      violation: { observed: boolean };
    };
    expect(json.outcome).toBe("reproduced");
    expect(json.stepsRun).toBe(10);
    expect(json.violation.observed).toBe(true);
    const last = json.steps[json.steps.length - 1];
    expect(last?.posts.map((post) => [post.verdict, post.staleSend])).toEqual([["reused", true]]);
    expect(result.stdout).not.toMatch(WHOLE_TOKEN);
  });

  test("--impl mutant:no-reread-after-lock does not follow the locked path: exit 1, divergence numbered", async () => {
    const result = await cli(["replay", lockedCrash, "--impl", "mutant:no-reread-after-lock"]);
    expect(result.code, result.stdout + result.stderr).toBe(REPLAY_EXIT.diverged);
    expect(result.stdout).toContain(
      "mutant:no-reread-after-lock did not follow the model of locked/N2/crash",
    );
    expect(result.stdout).toMatch(/diverged at step \d+ \(A acquireLock\)/);
    expect(result.stdout).toContain("<- here");
  });

  test("--variant guarded on a locked path diverges at the first call", async () => {
    const result = await cli(["replay", lockedCrash, "--variant", "guarded"]);
    expect(result.code, result.stdout).toBe(REPLAY_EXIT.diverged);
    expect(result.stdout).toContain("diverged at step 1 (A callAuth)");
  });

  test("bad files: the message names the file and the field (exit 2, no usage text)", async () => {
    const missing = join(directory, "missing.json");
    const notJson = join(directory, "not-json.json");
    writeFileSync(notJson, "{ not json");
    const cases: [string, RegExp][] = [
      [missing, /missing\.json: cannot read \(ENOENT\)/],
      [notJson, /not-json\.json: not JSON/],
      [
        variantFile("processes.json", (trace) => {
          (trace.config as Record<string, unknown>).processes = 9;
        }),
        /processes\.json: config\.processes: 9 is not an integer in \[1, 8\]/,
      ],
      [
        variantFile("grace.json", (trace) => {
          (trace.config as { server: Record<string, unknown> }).server.graceWindow = "yes";
        }),
        /grace\.json: config\.server\.graceWindow: must be a boolean/,
      ],
      [
        variantFile("process.json", (trace) => {
          (trace.steps as Record<string, unknown>[])[1] = { event: "callAuth", process: "C" };
        }),
        /process\.json: steps\[1\]\.process: 'C' is not A, B or null/,
      ],
      [
        variantFile("event.json", (trace) => {
          (trace.steps as Record<string, unknown>[])[2] = { event: "writeDisk", process: "A" };
        }),
        /event\.json: steps\[2\]: A writeDisk is not enabled in the model of locked\/N2\/crash/,
      ],
      [
        variantFile("invariant.json", (trace) => {
          trace.invariant = "NoSuchThing";
        }),
        /invariant\.json: invariant: unknown invariant 'NoSuchThing'/,
      ],
    ];
    const results = await Promise.all(cases.map(([file]) => cli(["replay", file])));
    for (const [index, [file, message]] of cases.entries()) {
      const result = results[index] as CliResult;
      expect(result.code, `${file}: ${result.stderr}`).toBe(REPLAY_EXIT.usage);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain("usage:");
    }
  });

  test("a stall trace cannot be driven: the reason, exit 3", async () => {
    const theorem = findTheorem("locked/N2/stall");
    if (!theorem) throw new Error("locked/N2/stall is not a theorem any more");
    const { exploration } = runTheorem(theorem, undefined);
    const violation = exploration.violations.get("NoStaleRefreshSent");
    if (!violation) throw new Error("locked/N2/stall no longer violates NoStaleRefreshSent");
    const file = join(directory, "stall.json");
    writeFileSync(file, JSON.stringify(traceJson(traceOf(exploration, violation), theorem.name)));
    const result = await cli(["replay", file]);
    expect(result.code, result.stdout + result.stderr).toBe(REPLAY_EXIT.notDrivable);
    expect(result.stdout).toContain("locked/N2/stall cannot be driven step by step: fault 'stall'");
  });

  test("usage: codex: is refused, cmd: needs --variant, one file", async () => {
    const [codex, command, none] = await Promise.all([
      cli(["replay", lockedCrash, "--impl", "codex:0.117.0"]),
      cli(["replay", lockedCrash, "--impl", "cmd:node driver.js"]),
      cli(["replay"]),
    ]);
    expect(codex.code).toBe(REPLAY_EXIT.usage);
    expect(codex.stderr).toContain("the Codex binary does its own I/O");
    expect(command.code).toBe(REPLAY_EXIT.usage);
    expect(command.stderr).toContain("name the model it claims with --variant");
    expect(none.code).toBe(REPLAY_EXIT.usage);
    expect(none.stderr).toContain("name one trace file");
  });
});

describe("authrace conform", () => {
  test("--variant locked --faults crash conforms with every reachable transition taken (exit 0)", async () => {
    const result = await cli(["conform", "--variant", "locked", "--faults", "crash"]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain("locked/N2/crash on ref:locked: conforms");
    expect(result.stdout).toMatch(/transitions covered (\d+)\/\1 reachable \(100\.0%\)/);
    expect(result.stdout).toMatch(/ref:locked conforms to the locked model: 1 configuration\(s\)/);
  });

  // Worker threads import the real ports: fs-ext's flock addon must not load there (it would abort node).
  test("--workers 2: worker threads conform; a flock design runs on the main thread, saying so", async () => {
    const threaded = await cli([
      "conform",
      "--variant",
      "guarded",
      "--faults",
      "crash",
      "--workers",
      "2",
      "--covering",
    ]);
    expect(threaded.code, threaded.stdout + threaded.stderr).toBe(0);
    expect(threaded.stdout).toMatch(/ref:guarded conforms to the guarded model/);
    const flock = await cli([
      "conform",
      "--variant",
      "flocked",
      "--faults",
      "crash",
      "--workers",
      "2",
      "--covering",
    ]);
    expect(flock.code, flock.stdout + flock.stderr).toBe(0);
    expect(flock.stderr).toContain("a flock design runs on the main thread");
    expect(flock.stdout).toMatch(/ref:flocked conforms to the flocked model/);
  });

  test("--impl mutant:save-in-place diverges from locked and shows where (exit 1)", async () => {
    const result = await cli(["conform", "--impl", "mutant:save-in-place"]);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stdout).toContain("locked/N2/none on mutant:save-in-place:");
    expect(result.stdout).toMatch(
      /diverged at step \d+ \([AB] receiveResponse\): processes\.[AB]\.writes: model "atomic", implementation "in-place"/,
    );
    expect(result.stdout).toContain("<- here");
    expect(result.stdout).toContain("mutant:save-in-place DOES NOT CONFORM to the locked model");
  });

  test("--json: one object with every configuration", async () => {
    const result = await cli(["conform", "--variant", "locked", "--faults", "none", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as {
      ok: boolean;
      configurations: { config: string; conforms: boolean }[];
    };
    expect(json.ok).toBe(true);
    expect(json.configurations.map((report) => [report.config, report.conforms])).toEqual([
      ["locked/N2/none", true],
    ]);
  });

  test("usage errors name the flag (exit 2): undrivable or unknown faults, --faults with --tier, codex:", async () => {
    const cases: [string[], RegExp][] = [
      [["--variant", "locked", "--faults", "stall"], /--faults: fault 'stall': proper-lockfile/],
      [["--variant", "locked", "--faults", "crash", "--tier", "test"], /give one or the other/],
      [["--variant", "locked", "--faults", "nap"], /unknown fault 'nap'/],
      [["--variant", "locked", "--lanes", "17"], /--lanes must be an integer in \[1, 16\]/],
      [["--impl", "codex:0.117.0"], /the Codex binary does its own I\/O/],
      [[], /--variant is required .*, or --impl ref:<variant> \| mutant:<name> \| module:<path>/],
    ];
    const results = await Promise.all(cases.map(([args]) => cli(["conform", ...args])));
    for (const [index, [args, message]] of cases.entries()) {
      const result = results[index] as CliResult;
      expect(result.code, `${args.join(" ")}: ${result.stdout}`).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});

describe("resolveSubjectChoice", () => {
  test("--variant alone is ref:, a trace's fallback without flags, cmd: claims the --variant", () => {
    expect(resolveSubjectChoice({ variant: "guarded" })).toEqual({ variant: "guarded" });
    expect(resolveSubjectChoice({}, { mutant: "save-in-place" })).toEqual({ mutant: "save-in-place" });
    expect(resolveSubjectChoice({ impl: "ref:locked", variant: "locked" })).toEqual({ variant: "locked" });
    expect(resolveSubjectChoice({ impl: "cmd:node  d.js --x", variant: "locked" })).toEqual({
      command: ["node", "d.js", "--x"],
      variant: "locked",
    });
  });

  test.each([
    [{ impl: "ref:locked", variant: "guarded" }, /disagree/],
    [{ impl: "mutant:save-in-place", variant: "locked" }, /a mutant claims its base design/],
    [{ impl: "module:x.js", variant: "locked" }, /a module exports its own variant/],
    [{ impl: "codex:0.117.0" }, /not taken here: the Codex binary/],
    [{ variant: "fixed" }, /unknown variant 'fixed'/],
  ])("%j is a usage error", (values, message) => {
    expect(() => resolveSubjectChoice(values)).toThrow(UsageError);
    expect(() => resolveSubjectChoice(values)).toThrow(message);
  });
});
