/**
 * The state diagram of one variant, read from the transition table the explorer and the XState machine both
 * run: locations are states, each branch is a transition labelled `event [branch label]`. Events a process
 * handles wherever it is (a crash, a stalled holder losing its lock) and events of the world are listed in a
 * table under the diagram, since they have no single source location.
 */
import { type Branch, type EventBranches, LOCATIONS, type Location } from "../model/branch.js";
import { applicableFaults, makeConfig } from "../model/config.js";
import { requireDesign } from "../model/designs/index.js";
import { buildTable } from "../model/table.js";
import type { Fault, Variant } from "../model/vocabulary.js";

/** Every fault the variant admits, so that every location and branch it can take appears in its diagram. */
function diagramFaults(variant: Variant): Fault[] {
  return applicableFaults(requireDesign(variant).rules);
}

/** Mermaid treats `;` as a statement end and `:` inside a state name as a label: keep labels plain. */
function mermaidText(text: string): string {
  return text.replaceAll(";", ",").replaceAll("#", "no.").replaceAll('"', "'");
}

function branchEntries(events: EventBranches): [string, Branch][] {
  return Object.entries(events).flatMap(([event, branches]) =>
    (branches as Branch[]).map((branch): [string, Branch] => [event, branch]),
  );
}

export function stateDiagram(variant: Variant): string {
  const config = makeConfig({ variant, faults: diagramFaults(variant) });
  const table = buildTable(config, () => true);
  const lines = ["stateDiagram-v2", "  [*] --> idle"];
  for (const location of LOCATIONS) {
    for (const [event, branch] of branchEntries(table.locations[location])) {
      const target: Location = branch.target ?? location;
      const fault = branch.fault ? " (fault)" : "";
      lines.push(`  ${location} --> ${target} : ${mermaidText(`${event}${fault} [${branch.label}]`)}`);
    }
  }
  return lines.join("\n");
}

/** Markdown rows for the events without a source location: per process anywhere, and of the world. */
export function eventsWithoutLocation(variant: Variant): string {
  const config = makeConfig({ variant, faults: diagramFaults(variant) });
  const table = buildTable(config, () => true);
  const rows = [
    ...branchEntries(table.anywhere).map(([event, branch]) => {
      const where = event === "crash" ? "any live process" : "the lock holder, wherever it is";
      return row(event, where, branch);
    }),
    ...branchEntries(table.world).map(([event, branch]) => row(event, "the world", branch)),
  ];
  return ["| event | taken by | branch | fault |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function row(event: string, where: string, branch: Branch): string {
  const target = branch.target ? ` -> \`${branch.target}\`` : "";
  return `| \`${event}\` | ${where} | ${branch.label.replaceAll("|", "/")}${target} | ${branch.fault ? "yes" : ""} |`;
}
