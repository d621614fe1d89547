/**
 * Codex release versions: parsing, the npm package that holds a platform's binary, and which auth-manager
 * design of the model a release mirrors (model/designs/).
 */
import { builtInDesigns } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";

export interface CodexVersion {
  /** As given: `0.117.0`, or a pre-release such as `0.118.0-alpha.2`. */
  text: string;
  major: number;
  minor: number;
  patch: number;
}

const VERSION_PATTERN = /^(\d{1,4})\.(\d{1,4})\.(\d{1,4})(?:-[0-9A-Za-z.]{1,40})?$/;

export type VersionParseResult = { ok: true; version: CodexVersion } | { ok: false; problem: string };

export function parseCodexVersion(text: string): VersionParseResult {
  const match = VERSION_PATTERN.exec(text);
  if (!match) {
    return { ok: false, problem: `'${text}' is not a Codex release version (expected e.g. 0.117.0)` };
  }
  const [, major, minor, patch] = match;
  return { ok: true, version: { text, major: Number(major), minor: Number(minor), patch: Number(patch) } };
}

/** Compares release numbers only (a pre-release counts as its release). */
function compareVersions(left: CodexVersion, right: CodexVersion): number {
  return left.major - right.major || left.minor - right.minor || left.patch - right.patch;
}

function release(text: string): CodexVersion {
  const parsed = parseCodexVersion(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.version;
}

/**
 * Which design a release mirrors: the `releases` of the design records (model/designs/). The ranges come from
 * the releases actually run (docs/codex-versions.md): 0.140-0.170 have not been observed yet, so they map to
 * no design rather than to a guess.
 */
export function variantForVersion(version: CodexVersion): Variant | null {
  for (const design of builtInDesigns()) {
    for (const range of design.releases) {
      const aboveFrom = compareVersions(version, release(range.from)) >= 0;
      const belowTo = range.to === null || compareVersions(version, release(range.to)) <= 0;
      if (aboveFrom && belowTo) return design.name;
    }
  }
  return null;
}

/** npm's name for this machine's platform build, the suffix of `@openai/codex@<version>-<suffix>`. */
const PLATFORM_SUFFIXES: Readonly<Record<string, string>> = {
  "linux-x64": "linux-x64",
  "linux-arm64": "linux-arm64",
  "darwin-x64": "darwin-x64",
  "darwin-arm64": "darwin-arm64",
  "win32-x64": "win32-x64",
  "win32-arm64": "win32-arm64",
};

export function platformSuffix(
  platform: string = process.platform,
  arch: string = process.arch,
): string | null {
  return PLATFORM_SUFFIXES[`${platform}-${arch}`] ?? null;
}

export const CODEX_PACKAGE = "@openai/codex";

/** `@openai/codex@0.117.0-linux-x64`: the platform build that holds the native binary. */
export function platformPackageSpec(version: CodexVersion, suffix: string): string {
  return `${CODEX_PACKAGE}@${version.text}-${suffix}`;
}
