/** Plain-text description of a fetched Codex binary: its version, where it came from, the variant it mirrors. */
import type { CodexBinary } from "./fetch.js";
import { variantForVersion } from "./versions.js";

export function describeBinary(binary: CodexBinary): string {
  const variant = variantForVersion(binary.version);
  const mirrors = variant
    ? `mirrors variant ${variant}`
    : "maps to no variant yet (0.140-0.170 not observed)";
  const source = binary.fromCache ? "from the cache" : "downloaded";
  const lines = [
    `codex ${binary.version.text}: ${binary.reportedVersion}, ${source} (${binary.binaryPath}); ${mirrors}`,
  ];
  for (const note of binary.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}
