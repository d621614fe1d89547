/**
 * Proves recording and validation live, on the reference implementation as a user runs them: `authrace scenario
 * simultaneous --variant guarded --record FILE` records real driver processes (every POST, auth.json sample and
 * call with its time, no token whole), and `authrace validate FILE` finds the run consistent with guarded (exit
 * 0, the behaviour printed) and inconsistent with locked (exit 1: the second POST of R0, which locked never
 * sends). Also: bad input is named (a missing file, a bad field), a run with more processes than the model takes
 * and a search past its limit give no verdict (exit 3), never a wrong one.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PROCESSES_MAX } from "../../model/config.js";
import { loadRunFile, type RunFile } from "../../validate/run-file.js";
import { validateRun } from "../../validate/search.js";
import { removeTemporaryDirectories, temporaryDirectory } from "../codex/fakes.js";
import { runCli } from "../support/cli.js";
import { repositoryRoot } from "../support/paths.js";

const CLI_TIMEOUT_MS = 30_000;
const folder = temporaryDirectory("validate");

afterAll(() => removeTemporaryDirectories());

describe("record, then validate, a live reference run", () => {
  const file = join(folder, "guarded-simultaneous.json");

  it("records the run and finds it consistent with guarded, inconsistent with locked", async () => {
    const recorded = await runCli(
      ["scenario", "simultaneous", "--variant", "guarded", "--record", file],
      CLI_TIMEOUT_MS,
    );
    expect(recorded.code).toBe(0);
    expect(recorded.stderr).toContain(`to ${file}`);
    const text = readFileSync(file, "utf8");
    // Tokens are never written: the server mints `rt_` + 43 characters.
    expect(text).not.toMatch(/rt_[A-Za-z0-9_-]{20,}/);
    const run = JSON.parse(text) as RunFile;
    expect(run.observations.filter((observation) => observation.kind === "post")).toHaveLength(2);

    const consistent = await runCli(["validate", file], CLI_TIMEOUT_MS);
    expect(consistent.code).toBe(0);
    expect(consistent.stdout).toContain(
      "CONSISTENT: one behaviour of guarded's model explains every observation",
    );
    expect(consistent.stdout).toContain("model  B readDisk: NoChange: POST the cached refresh token");

    const inconsistent = await runCli(["validate", file, "--variant", "locked"], CLI_TIMEOUT_MS);
    expect(inconsistent.code).toBe(1);
    expect(inconsistent.stdout).toMatch(
      /INCONSISTENT: no behaviour of locked's model explains observation #\d+ .*\n.*POST R0 \(family-1\) -> 401 reused/,
    );
  });

  it("names a missing file and a bad field; usage mistakes exit 2", async () => {
    const missing = await runCli(["validate", join(folder, "nope.json")], CLI_TIMEOUT_MS);
    expect(missing).toMatchObject({
      code: 2,
      stderr: expect.stringContaining("nope.json: cannot read: ENOENT"),
    });
    const bad = join(folder, "bad.json");
    const fixture = join(repositoryRoot, "test/validate/fixtures/reference-locked-simultaneous.json");
    const run = JSON.parse(readFileSync(fixture, "utf8")) as { observations: Record<string, unknown>[] };
    const send = run.observations.find((observation) => observation.kind === "send");
    if (send === undefined) throw new Error("the fixture has no send");
    send.call = "dance";
    writeFileSync(bad, JSON.stringify(run));
    const index = run.observations.indexOf(send);
    const field = await runCli(["validate", bad], CLI_TIMEOUT_MS);
    expect(field.code).toBe(2);
    expect(field.stderr).toContain(`bad.json: observations[${index}].call: must be one of auth, refresh`);
    const usage = await runCli(["validate", fixture, "--variant", "nope"], CLI_TIMEOUT_MS);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("unknown variant 'nope'");
  });
});

describe("no verdict rather than a wrong one", () => {
  const run = (() => {
    const loaded = loadRunFile(
      join(repositoryRoot, "test/validate/fixtures/reference-guarded-simultaneous.json"),
    );
    if (!loaded.ok) throw new Error(loaded.message);
    return loaded.run;
  })();

  it("a search past nodesMax names the limit", () => {
    expect(validateRun(run, "guarded", { limits: { nodesMax: 5 } })).toMatchObject({
      verdict: "limit",
      message: "validate: nodesMax (5) reached",
    });
  });

  it("more processes than the model takes is named, not searched", () => {
    const processes = Array.from({ length: PROCESSES_MAX + 1 }, (_, index) => `P${index + 1}`);
    expect(validateRun({ ...run, processes }, "guarded")).toMatchObject({
      verdict: "unusable",
      message: expect.stringContaining(`the model takes at most ${PROCESSES_MAX} (PROCESSES_MAX`),
    });
  });
});
