/**
 * The verdict matrix: one line per theorem, one column per invariant. A cell is `holds` or `✗ n` (violated,
 * shortest counterexample of n steps); `!` marks a cell that differs from proofs/theorems.json.
 */
import { INVARIANTS } from "../model/vocabulary.js";
import type { TheoremVerdict } from "../proofs/run.js";

const SHORT: Record<(typeof INVARIANTS)[number], string> = {
  NoStaleRefreshSent: "NoStaleSent",
  NoSupersededSend: "SeedFix",
  DiskNeverRegresses: "DiskMonotone",
  AccountNeverMixed: "AccountOne",
  NoSpuriousLogout: "NoSpurious",
  LogoutNeverUndone: "LogoutKept",
  NoDeadlock: "NoDeadlock",
  Converges: "Converges",
};

export function formatMatrix(results: readonly TheoremVerdict[]): string {
  const header = ["theorem", "states", ...INVARIANTS.map((invariant) => SHORT[invariant]), "matches"];
  const lines = results.map((result) => {
    const cells = result.rows.map((row) => {
      const cell = row.verdict === "holds" ? "holds" : `✗ ${row.traceLength}`;
      return row.mismatches.length > 0 ? `${cell} !` : cell;
    });
    const matches = result.rows.every((row) => row.mismatches.length === 0) ? "yes" : "NO";
    return [result.theorem.name, String(result.states), ...cells, matches];
  });
  const widths = header.map((_, column) =>
    Math.max(...[header, ...lines].map((line) => (line[column] ?? "").length)),
  );
  const format = (line: string[]) =>
    line
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return [format(header), format(widths.map((width) => "-".repeat(width))), ...lines.map(format)].join("\n");
}
