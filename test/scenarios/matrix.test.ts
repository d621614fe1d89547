/**
 * Proves the scenario matrix API that `npm run verify` calls: expectationFor, read from the model's
 * verdicts, says exactly what the seed asks of each variant; `checkExpectation` names every difference;
 * `formatScenarioMatrix` aligns its columns and lists mismatches; and `runScenarioMatrix` runs real
 * processes, one row per scenario x variant, with a failed run as a non-matching row (never a throw) and
 * nothing left behind. Every scenario x variant runs on real processes in stale-cache.test.ts and
 * simultaneous.test.ts (and through this API in `npm run verify`); here a slice of the matrix keeps the
 * suite short.
 */
import { describe, expect, test } from "vitest";
import { VARIANTS } from "../../model/designs/index.js";
import { REFRESH_ERROR_CODES } from "../../model/vocabulary.js";
import {
  checkExpectation,
  expectationFor,
  expectedVerdict,
  formatScenarioMatrix,
  PROCESS_NAMES,
  type ProcessReport,
  runScenarioMatrix,
  SCENARIO_NAMES,
  type ScenarioMatrixRow,
  type ScenarioReport,
  scenarioMatrixMatches,
  type TokenView,
} from "../../scenarios/index.js";
import { useTemporaryParent } from "./helpers.js";

const parent = useTemporaryParent();

describe("expectationFor (from the model's verdict on each scenario's story)", () => {
  test("has a row for every scenario x design, each citing the model", () => {
    for (const scenario of SCENARIO_NAMES)
      for (const variant of VARIANTS)
        expect(expectationFor(scenario, variant).because).toMatch(/the model of /);
  });

  test.each([
    ["stale-cache", "legacy", 2, 1, "stale", "violated"],
    ["stale-cache", "guarded", 1, 0, "rotated", "holds"],
    ["stale-cache", "persist-locked", 1, 0, "rotated", "holds"],
    ["stale-cache", "locked", 1, 0, "rotated", "holds"],
    ["simultaneous", "legacy", 2, 1, "either", "violated"],
    ["simultaneous", "guarded", 2, 1, "either", "violated"],
    ["simultaneous", "persist-locked", 2, 1, "either", "violated"],
    ["simultaneous", "locked", 1, 0, "rotated", "holds"],
  ] as const)(
    "%s / %s: %i POSTs of R0, %i stale sends, B returns %s: %s",
    (scenario, variant, posts, stale, b, verdict) => {
      const expectation = expectationFor(scenario, variant);
      expect(expectation.posts).toHaveLength(posts);
      expect(expectation.posts.every((post) => post.generation === 0)).toBe(true);
      expect(expectation.posts[0]).toEqual({ generation: 0, status: 200, code: null });
      if (posts === 2)
        expect(expectation.posts[1]).toEqual({
          generation: 0,
          status: 401,
          code: REFRESH_ERROR_CODES.reused,
        });
      expect(expectation.staleSends).toBe(stale);
      expect(expectation.bReturns).toBe(b);
      expect(expectedVerdict(scenario, variant)).toBe(verdict);
    },
  );
});

const R0: TokenView = { shown: "rt_aaaa...", generation: 0, kind: "stale" };
const R1: TokenView = { shown: "rt_bbbb...", generation: 1, kind: "rotated" };

function processReport(returned: TokenView): ProcessReport {
  return { cachedBefore: R0, cachedAfter: returned, returned, poisoned: false, error: null };
}

/** stale-cache as guarded does it: one POST, both return R1. */
function guardedReport(): ScenarioReport {
  return {
    scenario: "stale-cache",
    implementation: "reference:guarded",
    variant: "guarded",
    posts: [
      {
        refreshToken: "rt_aaaa...",
        generation: 0,
        status: 200,
        verdict: "rotated",
        code: null,
        staleSend: false,
      },
    ],
    requestLines: [],
    processes: { A: processReport(R1), B: processReport(R1) },
    logOrder: ["B", "A"],
    staleSends: 0,
    verdict: "holds",
    durationMs: 0,
  };
}

describe("checkExpectation", () => {
  test("a report as expected has no mismatch", () => {
    expect(checkExpectation(guardedReport(), "guarded")).toEqual([]);
  });

  test("names each difference: POSTs, stale sends, what B returned", () => {
    const report = guardedReport();
    report.posts.push({
      refreshToken: "rt_aaaa...",
      generation: 0,
      status: 401,
      verdict: "reused",
      code: REFRESH_ERROR_CODES.reused,
      staleSend: true,
    });
    report.staleSends = 1;
    report.processes.B = processReport(R0);
    expect(checkExpectation(report, "guarded")).toEqual([
      "POSTs [R0 200, R0 401 refresh_token_reused], expected [R0 200]",
      "returned A rotated, B stale; expected 0 stale, the others rotated",
      "B returned the stale token, expected the rotated one",
      "1 stale sends, expected 0",
    ]);
  });

  test("a process that returned nothing is a mismatch even where the race decides who loses", () => {
    const report = { ...guardedReport(), scenario: "simultaneous" as const };
    report.processes = {
      A: processReport(R1),
      B: processReport({ shown: null, generation: null, kind: "none" }),
    };
    expect(checkExpectation(report, "locked")).toEqual([
      "returned A rotated, B none; expected 0 stale, the others rotated",
      "B returned the none token, expected the rotated one",
    ]);
  });
});

function row(overrides: Partial<ScenarioMatrixRow>): ScenarioMatrixRow {
  return {
    scenario: "stale-cache",
    variant: "legacy",
    posts: 2,
    postsSummary: "R0 200, R0 401 refresh_token_reused",
    staleSends: 1,
    bReturned: { shown: "rt_aaaa...", kind: "stale" },
    expectedVerdict: "violated",
    actualVerdict: "violated",
    matches: true,
    mismatches: [],
    report: null,
    ...overrides,
  };
}

describe("formatScenarioMatrix", () => {
  test("aligns every column under its header", () => {
    const rows = [
      row({}),
      row({
        scenario: "simultaneous",
        variant: "persist-locked",
        posts: 1,
        postsSummary: "R0 200",
        staleSends: 0,
      }),
    ];
    // Spelled out rather than derived from the header, so that this does not restate the formatter.
    expect(formatScenarioMatrix(rows).split("\n")).toEqual([
      "scenario      variant         posts  POSTs seen                           stale sends  B returned          expected  actual    matches",
      "stale-cache   legacy          2      R0 200, R0 401 refresh_token_reused  1            rt_aaaa... (stale)  violated  violated  yes",
      "simultaneous  persist-locked  1      R0 200                               0            rt_aaaa... (stale)  violated  violated  yes",
    ]);
  });

  test("a failed or differing row says NO and its reasons follow the table", () => {
    const failed = row({
      posts: null,
      postsSummary: "",
      staleSends: null,
      bReturned: null,
      actualVerdict: null,
      matches: false,
      mismatches: ["run failed: A did not start"],
    });
    const text = formatScenarioMatrix([failed]);
    expect(text).toMatch(/failed\s+NO$/m);
    expect(text).toMatch(/\n\nstale-cache \/ legacy: run failed: A did not start$/);
    expect(scenarioMatrixMatches([failed])).toBe(false);
    expect(scenarioMatrixMatches([])).toBe(false);
  });
});

describe("runScenarioMatrix on real processes", () => {
  test("one row per scenario x variant, judged against EXPECTATIONS; nothing left behind", async () => {
    const seen: string[] = [];
    const rows = await runScenarioMatrix({
      scenarios: ["stale-cache"],
      variants: ["legacy", "locked"],
      temporaryDirectory: parent.path,
      onRow: (finished) => seen.push(`${finished.scenario}/${finished.variant}`),
    });
    expect(seen).toEqual(["stale-cache/legacy", "stale-cache/locked"]);
    expect(
      rows.map((finished) => [
        finished.variant,
        finished.posts,
        finished.staleSends,
        finished.bReturned?.kind,
        finished.actualVerdict,
        finished.matches,
      ]),
    ).toEqual([
      ["legacy", 2, 1, "stale", "violated", true],
      ["locked", 1, 0, "rotated", "holds", true],
    ]);
    expect(rows[0]?.bReturned?.shown).toMatch(/^rt_[\w-]{4}\.\.\.$/);
    expect(rows[0]?.postsSummary).toBe("R0 200, R0 401 refresh_token_reused");
    expect(scenarioMatrixMatches(rows)).toBe(true);
    for (const finished of rows)
      expect(Object.keys(finished.report?.processes ?? {})).toEqual([...PROCESS_NAMES]);
    expect(await parent.leftovers()).toEqual([]);
  });

  test("a driver that never starts gives failed rows that do not match", async () => {
    const rows = await runScenarioMatrix({
      scenarios: ["simultaneous"],
      variants: ["locked"],
      temporaryDirectory: parent.path,
      driverCommand: [process.execPath, "-e", "process.exit(3)"],
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ matches: false, actualVerdict: null, posts: null, report: null });
    expect(rows[0]?.mismatches[0]).toMatch(/^run failed: A did not start \(not-ready\)/);
    expect(scenarioMatrixMatches(rows)).toBe(false);
    expect(await parent.leftovers()).toEqual([]);
  });
});
