/**
 * Proves that every counterexample the proofs produce happens on the real implementation: each test-tier
 * theorem and each mutant's killing configuration (proofs/mutants.ts) is explored, each shortest
 * counterexample goes through the trace file format (traceJson, JSON text, parseTrace) and is replayed on the
 * implementation of its own design (the reference, or the mutant for a mutant's trace: real files, real HTTP
 * to the loopback token server, real locks, every port call held). No replay diverges from the model, every
 * one shows its violation on the real system, and every NoStaleRefreshSent counterexample has the real
 * server's record of a rotated-out token at the violating step. Only configurations `drivable()` rejects are
 * skipped, with the reason, and counted in the suite's name.
 */
import { describe, expect, test } from "vitest";
import { drivable } from "../../conform/configs.js";
import { parseTrace, replayExit, replayTrace } from "../../conform/replay/index.js";
import { formatDivergence } from "../../conform/report.js";
import { isRealStaleSend } from "../../conform/run-path.js";
import { inProcessSubject } from "../../conform/subject.js";
import {
  type AuthImplementation,
  mutantImplementation,
  referenceAuthImplementation,
} from "../../impl/plugin/index.js";
import type { ModelConfig } from "../../model/config.js";
import type { Exploration } from "../../proofs/explorer.js";
import { explore } from "../../proofs/explorer.js";
import { MUTANT_KILLS } from "../../proofs/mutants.js";
import { traceJson } from "../../proofs/render.js";
import { loadPinned, runTheorem } from "../../proofs/run.js";
import { THEOREMS } from "../../proofs/theorems.js";
import { traceOf } from "../../proofs/trace.js";
import { formatRequestLine } from "../../server/index.js";

interface Counterexample {
  name: string;
  invariant: string;
  config: ModelConfig;
  /** The trace file's text, as `authrace verify` writes it. */
  text: string;
  /** Why its configuration cannot be driven, or null. */
  undrivable: string | null;
}

function counterexamplesOf(name: string, exploration: Exploration): Counterexample[] {
  return [...exploration.violations.values()].map((violation) => ({
    name: `${name} ${violation.invariant}`,
    invariant: violation.invariant,
    config: exploration.config,
    text: JSON.stringify(traceJson(traceOf(exploration, violation), name)),
    undrivable: drivable(exploration.config),
  }));
}

/** Explored at collection time (about 2 s), so the suite's name can carry the counts. */
function counterexamples(): Counterexample[] {
  const pinned = loadPinned();
  const theorems = THEOREMS.filter((theorem) => theorem.tier === "test").flatMap((theorem) =>
    counterexamplesOf(theorem.name, runTheorem(theorem, pinned[theorem.name]).exploration),
  );
  const mutants = MUTANT_KILLS.flatMap((kill) =>
    counterexamplesOf(`mutant:${kill.mutant}`, explore(kill.config)),
  );
  return [...theorems, ...mutants];
}

/** The trace's own design, as `authrace replay` picks it by default. */
function implementationOf(config: ModelConfig): AuthImplementation {
  return config.mutant === undefined
    ? referenceAuthImplementation(config.variant)
    : mutantImplementation(config.mutant);
}

const all = counterexamples();
const replayed = all.filter((counterexample) => counterexample.undrivable === null);
const skipped = all.filter((counterexample) => counterexample.undrivable !== null);
const reasons = [...new Set(skipped.map((counterexample) => counterexample.undrivable as string))];
/** `8 x fault 'stall'`: each reason up to its colon; the whole reasons are in the first test's message. */
const skipCounts = reasons.map((reason) => {
  const count = skipped.filter((counterexample) => counterexample.undrivable === reason).length;
  return `${count} x ${reason.split(":")[0]}`;
});
const staleSendTraces = replayed.filter(
  (counterexample) => counterexample.invariant === "NoStaleRefreshSent",
);

describe(`every test-tier theorem and mutant counterexample on the real implementation: ${replayed.length} replayed (${staleSendTraces.length} NoStaleRefreshSent), ${skipped.length} skipped (${skipCounts.join(", ")})`, () => {
  test("the proofs produce counterexamples, and only undrivable configurations are skipped", () => {
    expect(replayed.length).toBeGreaterThan(0);
    expect(staleSendTraces.length).toBeGreaterThan(0);
    for (const counterexample of skipped) {
      const faults = counterexample.config.faults;
      expect(faults.includes("stall") || faults.includes("tornWrite"), reasons.join("\n")).toBe(true);
    }
  });

  test.each(replayed.map((counterexample) => [counterexample.name, counterexample] as const))(
    "%s",
    async (_name, counterexample) => {
      const loaded = parseTrace(counterexample.text, counterexample.name);
      if (!loaded.ok) throw new Error(loaded.message);
      const { trace } = loaded;
      const subject = inProcessSubject(implementationOf(counterexample.config));
      const result = await replayTrace(trace, subject);
      const divergence = result.divergence && formatDivergence(trace.path, result.divergence);
      expect(result.divergence, divergence ?? "").toBeNull();
      expect(result.stepsRun).toBe(trace.path.length);
      expect(result.violation?.observed, result.violation?.lines.join("\n")).toBe(true);
      expect(replayExit(result)).toBe(0);
      if (counterexample.invariant === "NoStaleRefreshSent") {
        const violating = result.steps[result.steps.length - 1];
        const posts = violating?.posts ?? [];
        expect(
          posts.filter(isRealStaleSend).length,
          `step ${violating?.number}: ${posts.map(formatRequestLine).join("; ") || "no token request"}`,
        ).toBeGreaterThan(0);
      }
    },
  );
});
