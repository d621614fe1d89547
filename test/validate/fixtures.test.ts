/**
 * Proves trace validation on runs recorded from real processes (test/validate/fixtures/, data written by
 * `--record FILE` of `authrace scenario` and `authrace stress`, committed as recorded): each real Codex release
 * is consistent with the design codex/versions.ts maps it to and inconsistent with the designs it does not
 * follow, for the reason that tells them apart (0.116 POSTs a token guarded never sends; 0.117 rewrites
 * auth.json in place where persist-locked replaces it; 0.171 holds a file lock guarded never takes); the
 * reference implementation is consistent with its own design; and each mutant run is caught by its base
 * design's model. A stress run with harness logins (fresh families after revocations) validates as well.
 *
 * The consistent designs of every fixture are pinned: a change in the search or the model that alters one is
 * a change of verdict, to be looked at, not a flake (the fixtures are fixed data).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VARIANTS } from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { describeStep } from "../../validate/report.js";
import { loadRunFile, type RunFile } from "../../validate/run-file.js";
import { validateRun } from "../../validate/search.js";
import { repositoryRoot } from "../support/paths.js";

const FIXTURES = join(repositoryRoot, "test/validate/fixtures");

function load(name: string): RunFile {
  const loaded = loadRunFile(join(FIXTURES, name));
  if (!loaded.ok) throw new Error(loaded.message);
  return loaded.run;
}

function consistentDesigns(run: RunFile): Variant[] {
  return VARIANTS.filter((design) => validateRun(run, design).verdict === "consistent");
}

/** Which designs each recorded run is consistent with. */
const CONSISTENT: Readonly<Record<string, readonly Variant[]>> = {
  "codex-0.116.0-stale-cache.json": ["legacy"],
  "codex-0.116.0-simultaneous.json": ["legacy"],
  "codex-0.116.0-stress-2x10-seed1.json": ["legacy"],
  "codex-0.117.0-stale-cache.json": ["guarded"],
  "codex-0.117.0-simultaneous.json": ["guarded"],
  "codex-0.117.0-stress-2x10-seed1.json": ["guarded"],
  // Its sampler caught no lock held in this run: a save under a lock and one under a longer lock look alike.
  // flocked is locked's lock scope with a kernel lock: they differ only when a holder crashes or stalls (no
  // run here has either) and in when a token turns stale (time passes freely in the search).
  "codex-0.171.0-stale-cache.json": ["persist-locked", "locked", "flocked"],
  "codex-0.171.0-simultaneous.json": ["persist-locked"],
  "codex-0.171.0-stress-2x10-seed1.json": ["persist-locked"],
  "reference-guarded-simultaneous.json": ["guarded"],
  // A sample says whether a lock is held, not whether it is a directory or an flock: locked and flocked alike.
  "reference-locked-simultaneous.json": ["locked", "flocked"],
  "reference-legacy-stress-3x15-seed2.json": ["legacy"],
  "mutant-no-reread-after-lock-simultaneous.json": [],
  "mutant-save-in-place-simultaneous.json": [],
};

describe("recorded real runs against every design", () => {
  it.each(Object.entries(CONSISTENT))("%s is consistent with exactly %j", (name, designs) => {
    const run = load(name);
    expect(consistentDesigns(run)).toEqual(designs);
    // The design its implementation mirrors (a mutant: its base) is the one `authrace validate` checks by default.
    if (!name.startsWith("mutant-")) expect(designs).toContain(run.design);
  });
});

/** The observation no behaviour of `design` explains, in words, and the reasons given for it. */
function stuck(name: string, design: Variant): { observation: string; reasons: string } {
  const validation = validateRun(load(name), design);
  if (validation.verdict !== "inconsistent") throw new Error(`${name} vs ${design}: ${validation.verdict}`);
  const step = validation.history.steps[validation.stuckAt];
  if (step === undefined) throw new Error("no stuck step");
  return {
    observation: describeStep(step),
    reasons: validation.reasons.map((entry) => entry.reason).join("; "),
  };
}

describe("why a run is inconsistent with a design it does not follow", () => {
  it("0.116 stale-cache vs guarded: B POSTs its cached R0 after A saved R1, which guarded never does", () => {
    expect(stuck("codex-0.116.0-stale-cache.json", "guarded")).toEqual({
      observation: "POST R0 (family-1) -> 401 reused (refresh_token_reused)",
      reasons: "no process of the model is about to POST R0 of family-1",
    });
  });

  it("0.117 stale-cache vs legacy: B returns R1 without a POST, where legacy POSTs its stale R0", () => {
    const { observation, reasons } = stuck("codex-0.117.0-stale-cache.json", "legacy");
    expect(observation).toBe("B.auth() -> R1 (family-1)");
    expect(reasons).toContain("B returned R1 of family-1; in the model it holds another token");
  });

  it("0.117 vs persist-locked: auth.json rewritten in place; 0.171 vs guarded: a file lock held", () => {
    expect(stuck("codex-0.117.0-simultaneous.json", "persist-locked").reasons).toBe(
      "auth.json was rewritten in place (same inode), and design persist-locked only replaces it (temp + rename)",
    );
    expect(stuck("codex-0.171.0-simultaneous.json", "guarded").reasons).toMatch(
      /auth\.(json\.)?lock.* was held, and design guarded takes no file lock/,
    );
  });

  it("the mutants are caught by their base design: a stale send, a save in place", () => {
    expect(stuck("mutant-no-reread-after-lock-simultaneous.json", "locked").observation).toBe(
      "POST R0 (family-1) -> 401 reused (refresh_token_reused)",
    );
    expect(stuck("mutant-save-in-place-simultaneous.json", "locked").reasons).toContain(
      "design locked only replaces it (temp + rename)",
    );
  });
});

describe("a consistent run comes with the behaviour that explains it", () => {
  it("0.117 simultaneous: both reload R0 and POST it; the loser is poisoned", () => {
    const validation = validateRun(load("codex-0.117.0-simultaneous.json"), "guarded");
    if (validation.verdict !== "consistent") throw new Error(validation.verdict);
    const steps = validation.path
      .filter((via) => via.kind !== "root")
      .map((via) => `${via.event}:${via.label}`);
    expect(steps.filter((step) => step === "readDisk:NoChange: POST the cached refresh token")).toHaveLength(
      2,
    );
    expect(steps).toContain("receiveResponse:401 permanent: poison the cached snapshot");
    const explained = validation.path.filter((via) => via.kind === "observation").length;
    expect(explained).toBe(validation.history.steps.length);
  });

  it("a stress run with harness logins: each login is a step of the world", () => {
    const validation = validateRun(load("reference-legacy-stress-3x15-seed2.json"), "legacy");
    if (validation.verdict !== "consistent") throw new Error(validation.verdict);
    const logins = validation.path.filter((via) => via.kind === "observation" && via.event === "login");
    expect(logins.length).toBeGreaterThanOrEqual(1);
  });
});
