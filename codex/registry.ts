/**
 * The npm registry as the fetcher needs it, behind an interface so that tests can stand in a registry that
 * serves corrupt or hanging packages without touching the network. The real one drives the npm CLI
 * (`npm view`, `npm pack`): it honours the user's registry, proxy and cache settings, which a hand-written
 * HTTP client would not.
 */
import { runCommand } from "./exec.js";
import { CODEX_LIMITS } from "./limits.js";

export type RegistryLookup =
  | { found: true; integrity: string; tarballUrl: string }
  | { found: false; reason: "not-found"; detail: string }
  | { found: false; reason: "error"; detail: string };

export type PackOutcome = { ok: true; filename: string } | { ok: false; detail: string };

export interface PackageRegistry {
  /** `dist.integrity` and tarball of one exact `name@version`. */
  lookup(spec: string): Promise<RegistryLookup>;
  /** Whether `name@version` exists at all (to tell "unknown version" from "no build for this platform"). */
  exists(spec: string): Promise<RegistryLookup["found"] | "error">;
  /** Downloads the tarball of `spec` into `directory`; resolves to its file name there. */
  pack(spec: string, directory: string): Promise<PackOutcome>;
}

/** npm's own error summary from `--json` output, else the last stderr line. */
function npmError(stdout: string, stderr: string): { code: string | null; summary: string } {
  try {
    const parsed = JSON.parse(stdout) as { error?: { code?: string; summary?: string } };
    if (parsed.error)
      return { code: parsed.error.code ?? null, summary: parsed.error.summary ?? "npm error" };
  } catch {
    // not JSON: fall back to stderr
  }
  const lines = stderr.trim().split("\n");
  const codeLine = lines.find((line) => /npm error code /.test(line));
  return {
    code: codeLine ? (codeLine.split("npm error code ")[1] ?? null) : null,
    summary: lines.at(-1) ?? "npm failed without a message",
  };
}

const NOT_FOUND_CODES = new Set(["E404", "ETARGET"]);

export const npmRegistry: PackageRegistry = {
  async lookup(spec) {
    const outcome = await runCommand("npm", ["view", spec, "dist", "--json"], {
      timeoutMs: CODEX_LIMITS.npmViewTimeoutMs,
    });
    if (outcome.spawnError)
      return { found: false, reason: "error", detail: `cannot run npm: ${outcome.spawnError}` };
    if (outcome.timedOut) {
      return {
        found: false,
        reason: "error",
        detail: `npm view ${spec} did not answer within npmViewTimeoutMs`,
      };
    }
    if (outcome.code !== 0) {
      const error = npmError(outcome.stdout, outcome.stderr);
      const reason = error.code && NOT_FOUND_CODES.has(error.code) ? "not-found" : "error";
      return { found: false, reason, detail: `${error.code ?? "npm"}: ${error.summary}` };
    }
    // `npm view` prints nothing (exit 0) for a version range that matches no version.
    if (outcome.stdout.trim() === "")
      return { found: false, reason: "not-found", detail: `no match for ${spec}` };
    const dist = JSON.parse(outcome.stdout) as { integrity?: string; tarball?: string };
    if (!dist.integrity || !dist.tarball) {
      return { found: false, reason: "error", detail: `npm view ${spec}: no dist.integrity in the answer` };
    }
    return { found: true, integrity: dist.integrity, tarballUrl: dist.tarball };
  },

  async exists(spec) {
    const outcome = await runCommand("npm", ["view", spec, "version", "--json"], {
      timeoutMs: CODEX_LIMITS.npmViewTimeoutMs,
    });
    if (outcome.code === 0) return outcome.stdout.trim() !== "";
    const error = npmError(outcome.stdout, outcome.stderr);
    return error.code && NOT_FOUND_CODES.has(error.code) ? false : "error";
  },

  async pack(spec, directory) {
    const outcome = await runCommand("npm", ["pack", spec, "--json", "--pack-destination", directory], {
      timeoutMs: CODEX_LIMITS.npmPackTimeoutMs,
      cwd: directory,
    });
    if (outcome.spawnError) return { ok: false, detail: `cannot run npm: ${outcome.spawnError}` };
    if (outcome.timedOut) return { ok: false, detail: `npm pack ${spec}: limit npmPackTimeoutMs reached` };
    if (outcome.code !== 0) {
      const error = npmError(outcome.stdout, outcome.stderr);
      return { ok: false, detail: `npm pack ${spec} failed: ${error.code ?? ""} ${error.summary}`.trim() };
    }
    const parsed = JSON.parse(outcome.stdout) as { filename?: string }[];
    const filename = parsed[0]?.filename;
    if (!filename) return { ok: false, detail: `npm pack ${spec}: no file name in its output` };
    // npm names scoped tarballs `openai-codex-<version>.tgz`; keep only the base name.
    return { ok: true, filename: filename.split("/").at(-1) ?? filename };
  },
};
