/**
 * A Codex binary on disk instead of a release from npm: a maintainer's own build of a change, or any file
 * (`authrace codex ./target/release/codex --variant locked`, `--impl codex:/path/to/codex`).
 *
 * A target is a path when it contains a slash or names an existing file; otherwise it must be a release
 * version. A bare name that is both a version and a file here (`0.117.0`) is refused as ambiguous rather
 * than guessed: `./0.117.0` says the file. A local build's design cannot be read from its version (a build
 * of main reports whatever its Cargo.toml says), so it is the caller's `--variant`, or none.
 */
import { accessSync, constants, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { runCommand } from "./exec.js";
import type { CodexBinary, FetchFailure } from "./fetch.js";
import { CODEX_LIMITS } from "./limits.js";
import { type CodexVersion, parseCodexVersion } from "./versions.js";

export type CodexTarget = { kind: "version"; version: string } | { kind: "path"; path: string };

export type TargetParse = { ok: true; target: CodexTarget } | { ok: false; problem: string };

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() === true;
}

/** Pure apart from one stat: a version, or an absolute path that exists, is a file and may be executed. */
export function parseCodexTarget(text: string): TargetParse {
  const looksLikePath = text.includes("/") || isFile(text);
  const version = parseCodexVersion(text);
  if (!looksLikePath) {
    if (version.ok) return { ok: true, target: { kind: "version", version: version.version.text } };
    return {
      ok: false,
      problem: `${version.problem}, nor a path to a binary (a path contains a slash: ./codex)`,
    };
  }
  if (version.ok) {
    return {
      ok: false,
      problem: `'${text}' is both a Codex version and a file here: write ./${text} for the file`,
    };
  }
  const path = resolve(text);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return { ok: false, problem: `no Codex binary at ${path}: no such file` };
  if (!stat.isFile()) return { ok: false, problem: `no Codex binary at ${path}: not a file` };
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { ok: false, problem: `the Codex binary ${path} is not executable (chmod +x)` };
  }
  return { ok: true, target: { kind: "path", path } };
}

/** `codex-cli 0.117.0` -> 0.117.0; a build that prints no release number gets 0.0.0 (it is not used to judge). */
function versionIn(reported: string): CodexVersion {
  for (const word of reported.split(/\s+/)) {
    const parsed = parseCodexVersion(word);
    if (parsed.ok) return parsed.version;
  }
  return { text: "0.0.0", major: 0, minor: 0, patch: 0 };
}

export type LocalCheck = { ok: true; binary: CodexBinary } | { ok: false; failure: FetchFailure };

/**
 * Checks a local binary the way a fetched one is checked: it runs and answers `--version` in time. Nothing
 * is copied or cached: the file is used where it is.
 */
export async function checkLocalBinary(
  path: string,
  timeoutMs: number = CODEX_LIMITS.versionCheckTimeoutMs,
): Promise<LocalCheck> {
  const fail = (kind: FetchFailure["kind"], message: string): LocalCheck => ({
    ok: false,
    failure: { kind, version: path, message },
  });
  const outcome = await runCommand(path, ["--version"], { timeoutMs });
  if (outcome.timedOut) {
    return fail(
      "binary-unresponsive",
      `${path} --version did not answer within ${timeoutMs} ms (versionCheckTimeoutMs)`,
    );
  }
  if (outcome.spawnError) return fail("binary-broken", `cannot run ${path}: ${outcome.spawnError}`);
  if (outcome.code !== 0) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with ${outcome.code}`;
    return fail("binary-broken", `${path} --version ${how}: ${outcome.stderr.trim().slice(0, 300)}`);
  }
  const reported = outcome.stdout.trim().split("\n")[0] ?? "";
  return {
    ok: true,
    binary: {
      version: versionIn(reported),
      spec: `local:${path}`,
      binaryPath: path,
      reportedVersion: reported,
      cacheDirectory: dirname(path),
      fromCache: false,
      notes: [],
      local: true,
    },
  };
}
