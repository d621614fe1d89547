/**
 * `authrace explain <theorem> [--invariant NAME]`: re-runs one theorem and prints its counterexample(s) as
 * numbered steps, followed by the seed-style log.
 */
import { INVARIANTS } from "../../model/vocabulary.js";
import { explore } from "../../proofs/explorer.js";
import { explainTrace, mermaid, seedLog } from "../../proofs/render.js";
import { findTheorem, THEOREMS } from "../../proofs/theorems.js";
import { traceOf } from "../../proofs/trace.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";

const usage = `usage: authrace explain <theorem> [--invariant NAME] [--mermaid]

Prints the shortest counterexample of a theorem as numbered steps and in the seed's log shape.
Theorem names are those \`authrace verify\` prints, e.g. simultaneous:guarded/N2/none/auth.`;

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: { invariant: { type: "string" }, mermaid: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const [name] = positionals;
  if (name === undefined) throw new UsageError("name a theorem");
  const theorem = findTheorem(name);
  if (!theorem) {
    const close = THEOREMS.filter((candidate) => candidate.name.includes(name)).map(
      (candidate) => candidate.name,
    );
    throw new UsageError(
      `unknown theorem '${name}'${close.length ? `; did you mean: ${close.slice(0, 8).join(", ")}` : ""}`,
    );
  }
  if (values.invariant !== undefined && !(INVARIANTS as readonly string[]).includes(values.invariant)) {
    throw new UsageError(
      `--invariant: unknown invariant '${values.invariant}' (known: ${INVARIANTS.join(", ")})`,
    );
  }
  const exploration = explore(theorem.config);
  const violations = [...exploration.violations.values()].filter(
    (violation) => values.invariant === undefined || violation.invariant === values.invariant,
  );
  if (violations.length === 0) {
    console.log(
      `${theorem.name}: ${values.invariant ?? "every invariant"} holds (${exploration.states} states explored)`,
    );
    return 0;
  }
  for (const violation of violations) {
    const trace = traceOf(exploration, violation);
    console.log(explainTrace(trace));
    console.log(`\n${seedLog(trace)}\n`);
    if (values.mermaid) console.log(`${mermaid(trace)}\n`);
  }
  return 0;
}

export const command: Command = {
  name: "explain",
  summary: "print a theorem's shortest counterexample as numbered steps",
  usage,
  run,
};
