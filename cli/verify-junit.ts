/**
 * `authrace verify --junit FILE`: one test case per theorem (its invariants' verdicts against the pins; a
 * mismatch fails it, with the counterexample as numbered steps and in the seed's log shape as the failure text),
 * one per section of the real-implementation checks (conformance, interleavings, mutants, stress: its table as
 * the text), and one for the scenario matrix when it ran.
 */
import type { TheoremVerdict } from "../proofs/run.js";
import { type JunitCase, type JunitSuite, writeJunit } from "./junit.js";
import type { RealSection } from "./verify-real.js";

export interface VerifyJunitInput {
  results: readonly TheoremVerdict[];
  /** The real-implementation sections that ran. */
  sections: readonly RealSection[];
  /** The scenario matrix's outcome, or null when it was skipped. */
  scenariosOk: boolean | null;
}

function rowsText(result: TheoremVerdict): string {
  return result.rows
    .map((row) => {
      const length = row.traceLength === null ? "" : ` in ${row.traceLength} steps`;
      const pinned = row.mismatches.length === 0 ? "as pinned" : `MISMATCH: ${row.mismatches.join("; ")}`;
      return `${row.invariant}: ${row.verdict}${length} (expected ${row.expected}), ${row.states} states, ${pinned}`;
    })
    .join("\n");
}

function theoremCase(result: TheoremVerdict): JunitCase {
  const base = {
    name: result.theorem.name,
    classname: "authrace.verify.theorems",
    timeSeconds: result.seconds,
  };
  const mismatched = result.rows.filter((row) => row.mismatches.length > 0);
  if (mismatched.length === 0) return { ...base, systemOut: rowsText(result) };
  const message = mismatched.map((row) => `${row.invariant}: ${row.mismatches.join("; ")}`).join(" | ");
  const stories = result.stories;
  return { ...base, failure: { message, text: `${rowsText(result)}${stories ? `\n\n${stories}` : ""}` } };
}

function sectionCase(section: RealSection): JunitCase {
  const base = { name: section.title, classname: "authrace.verify.real" };
  return section.ok
    ? { ...base, systemOut: section.table }
    : {
        ...base,
        failure: { message: `${section.title}: a row differs from what is expected`, text: section.table },
      };
}

export function verifyJunit(input: VerifyJunitInput): JunitSuite {
  const cases = [...input.results.map(theoremCase), ...input.sections.map(sectionCase)];
  if (input.scenariosOk !== null) {
    const base = { name: "real-process scenario matrix", classname: "authrace.verify.scenarios" };
    const text = "the scenario matrix's table is printed by authrace verify";
    cases.push(
      input.scenariosOk
        ? base
        : { ...base, failure: { message: "a scenario differs from its expectation", text } },
    );
  }
  return { name: "authrace verify", cases };
}

/** Writes the report; a problem naming the file when it cannot. */
export function writeVerifyJunit(file: string, input: VerifyJunitInput): string | null {
  return writeJunit(file, [verifyJunit(input)]);
}
