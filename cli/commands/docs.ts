/**
 * `authrace docs [--check]`: regenerates the generated sections of docs/spec.md (state diagrams, verdict
 * matrix, counterexample diagrams) from the model and proofs/theorems.json, or checks that they are current.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { loadPinned, pinnedPath } from "../../proofs/run.js";
import { specPath, specSections, updateSpec } from "../../proofs/spec-docs.js";
import { THEOREMS } from "../../proofs/theorems.js";
import { type Command, parseCommandArgs } from "../command.js";

export const EXIT = { ok: 0, differs: 1, usage: 2 } as const;

const usage = `usage: authrace docs [--check]

Rewrites the parts of docs/spec.md between <!-- generated:NAME --> and <!-- /generated --> from the model:
the steps, the invariants, the variants with their pinned verdicts, a state diagram per variant (read from
the transition table), the verdict matrix (proofs/theorems.json) and the counterexamples as Mermaid sequence
diagrams (shortest traces, N = 2). Prose outside the markers is never touched.

options:
  --check  write nothing; exit 1 if docs/spec.md differs from what would be written

exit status: 0 written or up to date; 1 (--check) out of date, or a marker is unknown or missing; 2 usage.`;

export const command: Command = {
  name: "docs",
  summary: "regenerate the generated sections of docs/spec.md (--check: fail if out of date)",
  usage,
  async run(argv) {
    const { values } = parseCommandArgs({
      args: argv,
      options: { check: { type: "boolean", default: false } },
      strict: true,
    });
    const check = values.check === true;
    const path = specPath();
    const pinned = loadPinned();
    const unpinned = THEOREMS.filter((theorem) => pinned[theorem.name] === undefined).length;
    if (unpinned > 0) {
      console.error(
        `authrace docs: ${unpinned} theorems are not pinned in ${pinnedPath()} (shown as unpinned)`,
      );
    }
    const update = updateSpec(readFileSync(path, "utf8"), specSections(pinned));
    for (const name of update.unknown)
      console.error(`authrace docs: unknown marker generated:${name} in ${path}`);
    for (const name of update.missing) console.error(`authrace docs: no marker generated:${name} in ${path}`);
    const broken = update.unknown.length > 0 || update.missing.length > 0;
    if (check) {
      if (update.changed.length > 0) {
        console.error(`authrace docs: out of date: ${update.changed.join(", ")} (run \`authrace docs\`)`);
      }
      return update.changed.length > 0 || broken ? EXIT.differs : EXIT.ok;
    }
    if (update.changed.length > 0) writeFileSync(path, update.text);
    console.log(
      update.changed.length > 0 ? `wrote ${path}: ${update.changed.join(", ")}` : `${path} is up to date`,
    );
    return broken ? EXIT.differs : EXIT.ok;
  },
};
