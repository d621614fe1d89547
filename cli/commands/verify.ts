/**
 * `authrace verify`: the main job. Runs every theorem (and the real-process scenario matrix), prints the
 * verdict matrix, writes each counterexample, and exits non-zero iff something differs from expectations.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { LimitExceeded, WORKERS_MAX } from "../../proofs/explorer.js";
import {
  loadPinned,
  PARALLEL_STATES_MIN,
  type Row,
  runTheorem,
  savePinned,
  THEOREM_STATES_MAX,
  type TheoremResult,
  type TheoremVerdict,
  verdictOf,
  workersFor,
} from "../../proofs/run.js";
import { THEOREMS, type Theorem } from "../../proofs/theorems.js";
import { type Command, integerFlag, parseCommandArgs, UsageError } from "../command.js";
import { writeCounterexamples } from "../counterexamples.js";
import { prepareOutputDirectory } from "../output-directory.js";
import { makeProgress } from "../progress.js";
import { runCrashpointChecks } from "../verify-crashpoints.js";
import { writeVerifyJunit } from "../verify-junit.js";
import { formatMatrix } from "../verify-matrix.js";
import { type RealSection, runRealChecks } from "../verify-real.js";
import { runScenarios } from "../verify-scenarios.js";

const usage = `usage: authrace verify [options]

Explores every theorem exhaustively, checks each invariant, compares with proofs/theorems.json, writes
counterexamples, kills the model mutants, and runs the real implementation against the model: the
real-process scenario matrix, the crash points (a real driver killed at every port call of a refresh, a
login and a logout, about 25 s), conformance of every variant, the fast-check interleaving checks, the
implementation mutants and the 8 x 200 stress acceptance runs (a few minutes on 2 cores).

options:
  --tier test|verify   only the small theorems (test) or all of them (verify, default)
  --filter TEXT        only theorems whose name contains TEXT
  --json               print {"theorems":[...]} instead of the matrix
  --out DIR            where counterexamples go (default out/counterexamples); created and checked
                       writable before anything runs, so a bad path fails at once
  --update             rewrite proofs/theorems.json from this run (review the diff!)
  --no-scenarios       skip the real-process scenario matrix
  --no-crashpoints     skip the crash points (a real driver killed at every port call; also skipped by
                       --no-real)
  --no-real            skip conformance, interleavings, implementation mutants and stress
  --states-max N       explorer state limit per theorem (default 30000000: the largest theorem, every fault
                       together on guarded at N = 2, has about 26 M states and needs about 3 GB)
  --workers N          worker threads for theorems pinned at ${PARALLEL_STATES_MIN} states or more, 1 to
                       ${WORKERS_MAX} (default: the machine's cores); the same verdicts, states and lengths
  --junit FILE         also write a JUnit XML report: one test case per theorem (a mismatch with the pins
                       fails it, the counterexample as its text) and per real-implementation section`;

function selectTheorems(tier: string | undefined, filter: string | undefined): Theorem[] {
  if (tier !== undefined && tier !== "test" && tier !== "verify")
    throw new UsageError(`--tier: '${tier}' is not test or verify`);
  return THEOREMS.filter(
    (theorem) =>
      (tier !== "test" || theorem.tier === "test") && (filter === undefined || theorem.name.includes(filter)),
  );
}

function jsonRow(row: Row, result: TheoremVerdict) {
  return {
    name: row.theorem,
    variant: result.theorem.config.variant,
    processes: result.theorem.config.processes,
    faults: result.theorem.config.faults,
    invariant: row.invariant,
    verdict: row.verdict,
    expected: row.expected,
    states: row.states,
    transitions: row.transitions,
    traceLength: row.traceLength,
    seconds: Number(result.seconds.toFixed(3)),
    mismatches: row.mismatches,
  };
}

async function run(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs({
    args: argv,
    options: {
      tier: { type: "string" },
      filter: { type: "string" },
      json: { type: "boolean", default: false },
      out: { type: "string", default: join("out", "counterexamples") },
      update: { type: "boolean", default: false },
      "no-scenarios": { type: "boolean", default: false },
      "no-crashpoints": { type: "boolean", default: false },
      "no-real": { type: "boolean", default: false },
      "states-max": { type: "string" },
      workers: { type: "string" },
      junit: { type: "string" },
    },
    strict: true,
  });
  // Outputs first: a path that cannot take them must fail now, not after the exploration.
  const out = prepareOutputDirectory(values.out as string);
  if (!out.ok) throw new UsageError(`--out ${values.out}: ${out.problem}`);
  const theorems = selectTheorems(values.tier, values.filter);
  if (theorems.length === 0) throw new UsageError("no theorem matches --tier/--filter");
  const statesMax = values["states-max"] === undefined ? THEOREM_STATES_MAX : Number(values["states-max"]);
  if (!(Number.isInteger(statesMax) && statesMax > 0)) {
    throw new UsageError(`--states-max: '${values["states-max"]}' is not a positive integer`);
  }
  const workers =
    integerFlag("--workers", values.workers, 1, WORKERS_MAX) ?? Math.min(WORKERS_MAX, availableParallelism());
  const pinned = loadPinned();
  const progress = makeProgress(values.json === true);
  const results: TheoremVerdict[] = [];
  for (const [position, theorem] of theorems.entries()) {
    progress.start(theorem.name, position + 1, theorems.length);
    let result: TheoremResult;
    try {
      const expected = pinned[theorem.name];
      result = runTheorem(theorem, values.update ? undefined : expected, {
        limits: { statesMax },
        onProgress: progress.update,
        // Sized by the pin even with --update: the pins being rewritten are last run's.
        workers: workersFor(expected?.states, workers),
      });
    } catch (error) {
      progress.stop();
      if (error instanceof LimitExceeded) {
        console.error(`authrace verify: ${theorem.name}: ${error.message}`);
        return 1;
      }
      throw error;
    }
    progress.finish(result);
    // Written now, and the exploration let go: only its verdicts and counterexamples as text are kept.
    const written = writeCounterexamples(result.exploration, theorem.name, values.out as string);
    results.push(verdictOf(result, written.map(({ story }) => story).join("\n\n")));
  }
  progress.stop();
  if (values.update) {
    const next = { ...pinned };
    for (const result of results) next[result.theorem.name] = result.pinned;
    savePinned(next);
    for (const result of results) for (const row of result.rows) row.mismatches = [];
  }
  const mismatched = results.flatMap((result) => result.rows).filter((row) => row.mismatches.length > 0);
  if (values.json) {
    const theoremsJson = results.flatMap((result) => result.rows.map((row) => jsonRow(row, result)));
    console.log(JSON.stringify({ theorems: theoremsJson }, null, 2));
  } else {
    console.log(formatMatrix(results));
    console.log(`counterexamples: ${values.out} (authrace explain <theorem> prints one as numbered steps)`);
    for (const row of mismatched)
      console.log(`MISMATCH ${row.theorem} ${row.invariant}: ${row.mismatches.join("; ")}`);
  }
  const scenariosOk = values["no-scenarios"] ? true : await runScenarios(values.json === true);
  const skipCrashpoints = values["no-crashpoints"] || values["no-real"];
  const crashpointsOk = skipCrashpoints ? true : await runCrashpointChecks(values.json === true);
  const sections: RealSection[] = [];
  const realOk = await runRealChecks(values.json === true, !values["no-real"], sections);
  const junitScenarios = values["no-scenarios"] ? null : scenariosOk;
  const junit =
    values.junit === undefined
      ? null
      : writeVerifyJunit(values.junit, { results, sections, scenariosOk: junitScenarios });
  if (junit !== null) console.error(`authrace verify: ${junit}`);
  return mismatched.length === 0 && scenariosOk && crashpointsOk && realOk && junit === null ? 0 : 1;
}

export const command: Command = {
  name: "verify",
  summary:
    "run every theorem, the scenario matrix and the real-implementation checks; exit non-zero on any surprise",
  usage,
  run,
};
