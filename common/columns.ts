/** Plain-text tables for the reports of every folder (scenario matrix, stress, verify). */

/** Left-aligned columns, two spaces apart, trailing spaces trimmed. */
export function alignColumns(table: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const cells of table) {
    cells.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, cell.length);
    });
  }
  return table
    .map((cells) =>
      cells
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
