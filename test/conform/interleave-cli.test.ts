/**
 * `authrace interleave` as a user runs it (node dist/cli/main.js): the seed comes first; guarded fails with a
 * stale send and prints the seed, path and replay path, and those three replay the very same run; locked
 * holds (exit 0); an undriven fault is a usage error (exit 2) naming the driven ones. With --conformance-only,
 * locked's own known failure (a stale send after a crash following a rotation) no longer ends the run: the same
 * seed that fails without it conforms for as many runs and counts its stale sends, while an implementation bug
 * (a mutant) is still caught.
 */
import { describe, expect, test } from "vitest";
import { type CliResult, runCli } from "../support/cli.js";

const CLI_TIMEOUT_MS = 60_000;

function cli(args: string[]): Promise<CliResult> {
  return runCli(["interleave", ...args], CLI_TIMEOUT_MS);
}

function runOf(stdout: string): string {
  return stdout.slice(stdout.indexOf("the run as it happened"), stdout.indexOf("minimised"));
}

describe("authrace interleave", () => {
  test("guarded: a stale send, replayable from the printed seed, path and replay path", {
    timeout: CLI_TIMEOUT_MS * 2,
  }, async () => {
    const found = await cli(["--variant", "guarded", "--runs", "200"]);
    expect(found.code, found.stderr).toBe(1);
    expect(found.stdout).toMatch(/^seed -?\d+\n/);
    expect(found.stdout).toContain("staleSend");
    expect(found.stdout).toContain("401 refresh_token_reused");
    const replay = /replay: seed (-?\d+), path "([^"]*)", replayPath "([^"]*)"/.exec(found.stdout);
    expect(replay, found.stdout).not.toBeNull();
    const [, seed, path, replayPath] = replay as RegExpExecArray;
    const again = await cli([
      "--variant",
      "guarded",
      "--seed",
      seed as string,
      "--path",
      path as string,
      "--replay-path",
      replayPath as string,
    ]);
    expect(again.code).toBe(1);
    expect(runOf(again.stdout)).toBe(runOf(found.stdout));
  });

  test("locked with an external rotator holds (exit 0)", { timeout: CLI_TIMEOUT_MS }, async () => {
    const held = await cli(["--variant", "locked", "--external", "--runs", "100", "--json"]);
    expect(held.code, held.stderr).toBe(0);
    const report = JSON.parse(held.stdout) as { failure: unknown; runs: number; config: string };
    expect(report.failure).toBeNull();
    expect(report.runs).toBe(100);
    expect(report.config).toBe("locked/N3/none");
  });

  test("an undriven fault is a usage error", async () => {
    const refused = await cli(["--variant", "locked", "--faults", "tornWrite"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("driven: crash, lostResponse, transient, login, relogin, logout");
  });

  test("--conformance-only: locked's own failure is counted, an implementation bug still fails", {
    timeout: CLI_TIMEOUT_MS * 3,
  }, async () => {
    const locked = ["--variant", "locked", "--faults", "crash", "--external", "--seed", "1"];
    const judged = await cli([...locked, "--runs", "60"]);
    expect(judged.code, judged.stdout).toBe(1);
    expect(judged.stdout).toContain("staleSend");
    const conformance = await cli([...locked, "--runs", "60", "--conformance-only"]);
    expect(conformance.code, conformance.stdout).toBe(0);
    expect(conformance.stdout).toMatch(
      /locked\/N3\/crash on ref:locked: conforms for 60 runs .*\(conformance only: [1-9]\d* rotated-out token\(s\) reached the server/,
    );
    const mutant = await cli([
      "--impl",
      "mutant:unlock-before-save",
      "--faults",
      "crash",
      "--external",
      "--seed",
      "1",
      "--runs",
      "300",
      "--conformance-only",
    ]);
    expect(mutant.code, mutant.stdout).toBe(1);
    expect(mutant.stdout).toMatch(/on mutant:unlock-before-save: divergence after/);
  });
});
