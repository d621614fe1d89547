/**
 * Plain-text description of a Codex binary: its version, where it came from, and the design it is judged by
 * (a release: the variant its version mirrors; a local binary: the one the caller named, or none).
 */
import type { Variant } from "../model/vocabulary.js";
import type { CodexBinary } from "./fetch.js";
import { variantForVersion } from "./versions.js";

function judgedBy(binary: CodexBinary, variant: Variant | null): string {
  if (binary.local) {
    return variant
      ? `judged as design ${variant} (--variant)`
      : "judged by no design (name one with --variant): runs are reported without an expectation";
  }
  return variant ? `mirrors variant ${variant}` : "maps to no variant yet (0.140-0.170 not observed)";
}

export function describeBinary(
  binary: CodexBinary,
  variant: Variant | null = variantForVersion(binary.version),
): string {
  const source = binary.local ? "a local binary" : binary.fromCache ? "from the cache" : "downloaded";
  const lines = [
    `codex ${binary.local ? binary.binaryPath : binary.version.text}: ${binary.reportedVersion}, ${source} (${binary.binaryPath}); ${judgedBy(binary, variant)}`,
  ];
  for (const note of binary.notes) lines.push(`  note: ${note}`);
  return lines.join("\n");
}
