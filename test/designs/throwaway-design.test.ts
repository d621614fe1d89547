/**
 * Proves that a design is one record: a throwaway design (guarded without poisoning) is defined here and
 * nowhere else, then runs through the explorer (its theorems, read from the record), conformance of the
 * reference implementation configured by the same record (in this process), and the scenario matrix on
 * real driver processes (which learn the record through the environment). Its verdicts differ from
 * guarded's where poisoning matters, so the record is really what each part reads.
 */
import { describe, expect, test } from "vitest";
import { conformanceConfigs } from "../../conform/configs.js";
import { formatConformanceReport } from "../../conform/report.js";
import { inProcessSubject } from "../../conform/subject.js";
import { conformConfig } from "../../conform/suite.js";
import { referenceAuthImplementation } from "../../impl/plugin/index.js";
import { configName } from "../../model/config.js";
import { guarded } from "../../model/designs/guarded.js";
import { type Design, registerDesign } from "../../model/designs/index.js";
import { explore } from "../../proofs/explorer.js";
import { storyConfig, theoremsOf } from "../../proofs/theorems.js";
import { runScenarioMatrix } from "../../scenarios/matrix.js";

const carefree: Design = registerDesign({
  ...guarded,
  name: "guarded-no-poison",
  mirrors: "guarded, but a permanent refresh failure is not remembered (no PR #15530)",
  releases: [],
  rules: { ...guarded.rules, poisons: false },
  mutants: [],
  checks: { ...guarded.checks, explained: [], stressAcceptance: false },
});

describe("a design defined in one record", () => {
  test("the explorer: its theorems come from the record, and poisoning is what changes the verdicts", () => {
    const theorems = theoremsOf([carefree]).filter((theorem) => theorem.tier === "test");
    expect(theorems.map((theorem) => theorem.name)).toContain("simultaneous:guarded-no-poison/N2/none/auth");
    expect(theorems.map((theorem) => theorem.name)).toContain("guarded-no-poison/N2/tornWrite");
    const race = (variant: string) => explore(storyConfig("simultaneous", variant)).violations;
    // Both still send R0 twice; only guarded tells the loser it is logged out (it poisons the snapshot).
    expect(race(carefree.name).has("NoStaleRefreshSent")).toBe(true);
    expect(race(guarded.name).has("NoStaleRefreshSent")).toBe(true);
    expect(race(guarded.name).has("NoSpuriousLogout")).toBe(true);
    expect(race(carefree.name).has("NoSpuriousLogout")).toBe(false);
  });

  test("conformance: the reference implementation configured by the record conforms to its model", async () => {
    const subject = inProcessSubject(referenceAuthImplementation(carefree.name));
    const configs = conformanceConfigs(carefree.name, "test").slice(0, 2);
    expect(configs.map(configName)).toEqual([
      "guarded-no-poison/N2/none",
      "guarded-no-poison/N2/none/revoke",
    ]);
    for (const config of configs) {
      const report = await conformConfig(subject, config);
      const summary = formatConformanceReport(report);
      expect(report.divergences, summary).toEqual([]);
      expect(report.coverage.covered, summary).toBe(report.coverage.reachable);
      expect(report.coverage.reachable, summary).toBeGreaterThan(0);
    }
  }, 120_000);

  test("the scenario matrix: real driver processes run the record, judged by its model's verdicts", async () => {
    const rows = await runScenarioMatrix({ variants: [carefree.name] });
    expect(rows.map((row) => `${row.scenario}: ${row.mismatches.join("; ")}`)).toEqual([
      "stale-cache: ",
      "simultaneous: ",
      "stale-cache-expired: ",
      "stale-cache-unreachable: ",
      "two-managers: ",
    ]);
    // The seed's stories hold (B reloads what A saved); both stale at once, in two processes or two
    // managers of one, the race stays.
    expect(rows.map((row) => [row.expectedVerdict, row.actualVerdict])).toEqual([
      ["holds", "holds"],
      ["violated", "violated"],
      ["holds", "holds"],
      ["holds", "holds"],
      ["violated", "violated"],
    ]);
    // Not poisoned, the loser of the race still returns its stale R0 (guarded's would return none).
    const loser = rows[1]?.report;
    expect(loser && Object.values(loser.processes).some((process) => process.poisoned)).toBe(false);
  }, 120_000);
});
