/**
 * Proves race R2 on real processes: two auth managers inside ONE driver process (`--managers 2`), each with its own
 * cache, in-process mutex and lock instance, on one CODEX_HOME, both stale and asked at once. Every design matches
 * the model's `simultaneous` verdict: without a cross-process lock across the refresh (legacy, guarded,
 * persist-locked) both POST R0, one 401 refresh_token_reused; with one (locked, flocked) the second manager
 * waits on the file lock held by the first one of its own process and adopts R1: one POST. One process is
 * started, with one pid behind both handles, and nothing is left behind. An implementation that cannot address two
 * managers of one process (a Codex binary) fails the scenario at once, saying why, with nothing started. A
 * `locked` that skips its re-read under the lock (mutant no-reread-after-lock) fails the expectation.
 */
import { describe, expect, test } from "vitest";
import { VARIANTS } from "../../model/designs/index.js";
import {
  checkExpectation,
  expectationFor,
  expectedVerdict,
  type ProcessFactory,
  referenceImplementation,
  runScenario,
  runScenarioMatrix,
  scenarioRunsOn,
} from "../../scenarios/index.js";
import { driverEntry } from "../support/paths.js";
import { isAlive, useTemporaryParent } from "./helpers.js";

const parent = useTemporaryParent();

test("expectationFor: the simultaneous story's, design by design", () => {
  for (const variant of VARIANTS) {
    expect(expectationFor("two-managers", variant)).toEqual(expectationFor("simultaneous", variant));
  }
  expect(VARIANTS.map((variant) => [variant, expectedVerdict("two-managers", variant)])).toEqual([
    ["legacy", "violated"],
    ["guarded", "violated"],
    ["persist-locked", "violated"],
    ["locked", "holds"],
    ["flocked", "holds"],
  ]);
});

test("the matrix: every design matches; one process holds both managers", async () => {
  const rows = await runScenarioMatrix({ scenarios: ["two-managers"], temporaryDirectory: parent.path });
  expect(rows.map((row) => [row.variant, row.postsSummary, row.mismatches])).toEqual(
    VARIANTS.map((variant) => [
      variant,
      expectedVerdict("two-managers", variant) === "holds" ? "R0 200" : "R0 200, R0 401 refresh_token_reused",
      [],
    ]),
  );
  expect(await parent.leftovers()).toEqual([]);
});

describe("one process", () => {
  test("one spawn, one pid behind A and B, gone after the run", async () => {
    const inner = referenceImplementation("guarded");
    const pids: (number | undefined)[] = [];
    let spawns = 0;
    const factory: ProcessFactory = {
      name: inner.name,
      variant: inner.variant,
      spawn: (request) => {
        spawns += 1;
        return inner.spawn(request);
      },
      async spawnManagers(request, names) {
        spawns += 1;
        const started = await inner.spawnManagers?.(request, names);
        if (started?.ok) pids.push(...started.drivers.map((driver) => driver.pid));
        return started ?? { ok: false, error: { kind: "none", message: "no spawnManagers" } };
      },
    };
    const result = await runScenario("two-managers", factory, { temporaryDirectory: parent.path });
    expect(result.ok).toBe(true);
    expect(spawns).toBe(1);
    expect(pids).toHaveLength(2);
    expect(pids[0]).toBe(pids[1]);
    expect(pids[0] !== undefined && isAlive(pids[0])).toBe(false);
    expect(await parent.leftovers()).toEqual([]);
  });

  test("an implementation without spawnManagers fails at once, naming what is missing", async () => {
    const { spawnManagers: _dropped, ...binaryLike } = referenceImplementation("guarded");
    const factory: ProcessFactory = { ...binaryLike, name: "codex:0.117.0" };
    expect(scenarioRunsOn("two-managers", factory)).toBe(false);
    expect(scenarioRunsOn("simultaneous", factory)).toBe(true);
    const result = await runScenario("two-managers", factory, { temporaryDirectory: parent.path });
    expect(result).toMatchObject({
      ok: false,
      failure: {
        message: expect.stringMatching(/^codex:0\.117\.0 cannot hold two auth managers in one process/),
      },
    });
    expect(await parent.leftovers()).toEqual([]);
  });
});

test("the mutant no-reread-after-lock, judged as locked: both managers POST R0, the run differs", async () => {
  const command = [process.execPath, driverEntry, "--mutant", "no-reread-after-lock"];
  const factory = referenceImplementation("locked", { driverCommand: command });
  const result = await runScenario("two-managers", factory, { temporaryDirectory: parent.path });
  if (!result.ok) throw new Error(result.failure.message);
  expect(result.report.staleSends).toBe(1);
  expect(checkExpectation(result.report, "locked")).toContain("1 stale sends, expected 0");
});
