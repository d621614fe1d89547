// Proves `authrace check` explores the configuration its flags describe and reports what the explorer found:
// --json gives the explorer's own counts and shortest lengths, counterexample files land in --out, a holding
// configuration exits 0, a limit (states or memory) exits 3 naming itself, collapsed states give the same
// answers, and bad flags exit 2 naming the flag.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { makeConfig } from "../../model/config.js";
import { explore } from "../../proofs/explorer.js";
import { runCli } from "../support/cli.js";

const RUN_MS = 30_000;
const work = mkdtempSync(join(tmpdir(), "authrace-check-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function check(args: string[]) {
  return runCli(["check", "--out", join(work, "out"), ...args], RUN_MS);
}

describe("authrace check", () => {
  test("--json reports the explorer's counts and shortest counterexamples, written to --out", async () => {
    const result = await check(["--variant", "locked", "--processes", "2", "--faults", "crash", "--json"]);
    expect(result.code).toBe(1);
    const summary = JSON.parse(result.stdout);
    const exploration = explore(makeConfig({ variant: "locked", processes: 2, faults: ["crash"] }));
    expect(summary.config.name).toBe("locked/N2/crash");
    expect(summary.states).toBe(exploration.states);
    expect(summary.transitions).toBe(exploration.transitions);
    expect(summary.bytesPerState).toBeGreaterThan(0);
    expect(summary.statesPerSecond).toBeGreaterThan(0);
    const expected = [...exploration.violations.values()].map(({ invariant, length }) => ({
      invariant,
      length,
    }));
    expect(summary.violations).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    for (const { invariant } of expected) {
      expect(existsSync(join(work, "out", "locked_N2_crash", `${invariant}.json`))).toBe(true);
    }
  });

  test("flags reach the configuration: grace, calls, sequential", async () => {
    const result = await check([
      "--variant",
      "legacy",
      "--calls",
      "auth",
      "--sequential",
      "--grace",
      "--no-liveness",
      "--json",
    ]);
    const summary = JSON.parse(result.stdout);
    expect(summary.config.name).toBe("legacy/N2/none/grace/auth/sequential");
    expect(summary.config.server.graceWindow).toBe(true);
    expect(summary.liveness).toBe(false);
  });

  test("a configuration where every invariant holds exits 0", async () => {
    const result = await check(["--variant", "locked", "--processes", "3"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("every invariant holds");
  });

  test("collapsed by default, whole with --whole-states: the same counts and lengths; a memory limit on whole states says collapsing would hold more", async () => {
    const args = ["--variant", "guarded", "--processes", "3", "--faults", "lostResponse", "--json"];
    const whole = JSON.parse((await check([...args, "--whole-states"])).stdout);
    const collapsed = JSON.parse((await check(args)).stdout);
    expect(collapsed.collapse).toBe(true);
    expect(whole.collapse).toBe(false);
    expect(collapsed.bytesPerState).toBeLessThan(whole.bytesPerState);
    expect(collapsed.states).toBe(whole.states);
    expect(collapsed.transitions).toBe(whole.transitions);
    expect(collapsed.violations).toEqual(whole.violations);
    expect(whole.violations.length).toBeGreaterThan(0);
    const guardedN4 = ["--variant", "guarded", "--processes", "4", "--memory-max", "2"];
    const limited = await check([...guardedN4, "--whole-states"]);
    expect(limited.code).toBe(3);
    expect(limited.stderr).toMatch(/bytesMax .*`check` without `--whole-states`/);
    const limitedCollapsed = await check(guardedN4);
    expect(limitedCollapsed.code).toBe(3);
    expect(limitedCollapsed.stderr).toMatch(/bytesMax/);
    expect(limitedCollapsed.stderr).not.toMatch(/--whole-states/);
    const both = await check([...guardedN4, "--collapse", "--whole-states"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--collapse and --whole-states: choose one/);
  });

  test.each([
    [["--states-max", "50"], /statesMax \(50\)/],
    [["--memory-max", "1"], /bytesMax \(1048576\)/],
  ])("limit %j exits 3 naming it", async (flags, named) => {
    const result = await check(["--variant", "guarded", "--processes", "4", ...flags]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(named);
  });

  test.each([
    [["--variant", "guarded", "--processes", "9"], /--processes/],
    [["--variant", "guarded", "--faults", "stall"], /config\.faults: 'stall'/],
    [["--variant", "guarded", "--calls", "everything"], /--calls: unknown call 'everything'/],
    [["--processes", "3"], /--variant is required/],
  ])("bad usage %j exits 2 naming the flag", async (args, named) => {
    const result = await check(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(named);
  });
});
