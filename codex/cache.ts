/**
 * The on-disk cache of Codex platform packages: `<cacheRoot>/<version>/` holds the tarball, `fetch.json`
 * (what the registry said its integrity is) and `extracted/` (the unpacked package). A tarball is used only
 * after its sha512 matches the recorded integrity, so a partial or corrupted download is never run.
 */
import { createHash } from "node:crypto";
import {
  createReadStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCommand } from "./exec.js";
import { CODEX_LIMITS } from "./limits.js";

/**
 * `.cache/codex` of the repository (gitignored, kept between runs), found from this file's place whether it
 * runs from source (`codex/`) or compiled (`dist/codex/`); `AUTHRACE_CODEX_CACHE` overrides it.
 */
export function defaultCacheRoot(): string {
  if (process.env.AUTHRACE_CODEX_CACHE) return process.env.AUTHRACE_CODEX_CACHE;
  const here = dirname(fileURLToPath(import.meta.url));
  const repository = basename(dirname(here)) === "dist" ? dirname(dirname(here)) : dirname(here);
  return join(repository, ".cache", "codex");
}

export interface FetchRecord {
  /** `@openai/codex@0.117.0-linux-x64` */
  spec: string;
  /** `dist.integrity` as the registry published it. */
  integrity: string;
  /** File name of the tarball inside the version folder. */
  tarball: string;
  fetchedAt: string;
}

const RECORD_NAME = "fetch.json";
export const EXTRACTED_NAME = "extracted";

export function versionDirectory(cacheRoot: string, version: string): string {
  return join(cacheRoot, version);
}

export function readRecord(directory: string): FetchRecord | null {
  const path = join(directory, RECORD_NAME);
  if (!existsSync(path)) return null;
  try {
    const record = JSON.parse(readFileSync(path, "utf8")) as Partial<FetchRecord>;
    if (typeof record.spec !== "string" || typeof record.integrity !== "string") return null;
    if (typeof record.tarball !== "string" || typeof record.fetchedAt !== "string") return null;
    return record as FetchRecord;
  } catch {
    return null;
  }
}

export function writeRecord(directory: string, record: FetchRecord): void {
  const temporary = join(directory, `${RECORD_NAME}.${process.pid}.tmp`);
  writeFileSync(temporary, `${JSON.stringify(record, null, 2)}\n`);
  renameSync(temporary, join(directory, RECORD_NAME));
}

export type IntegrityCheck = { ok: true } | { ok: false; problem: string };

/** Checks a file against an SRI string (`sha512-<base64>`, possibly several space-separated hashes). */
export async function checkIntegrity(path: string, integrity: string): Promise<IntegrityCheck> {
  if (!existsSync(path)) return { ok: false, problem: "the tarball is missing" };
  const expected = integrity
    .split(/\s+/)
    .find((entry) => entry.startsWith("sha512-"))
    ?.slice("sha512-".length);
  if (!expected) return { ok: false, problem: `no sha512 in the recorded integrity '${integrity}'` };
  const hash = createHash("sha512");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const actual = hash.digest("base64");
  if (actual === expected) return { ok: true };
  return {
    ok: false,
    problem: `sha512 mismatch (expected ${expected.slice(0, 12)}..., got ${actual.slice(0, 12)}...)`,
  };
}

export type ExtractOutcome = { ok: true; root: string } | { ok: false; problem: string };

/**
 * Unpacks into a temporary folder, then renames it into place, so that an interrupted extraction never
 * looks complete. Uses the system `tar`: the project has no tar library among its dependencies.
 */
export async function extractTarball(directory: string, tarball: string): Promise<ExtractOutcome> {
  const root = join(directory, EXTRACTED_NAME);
  const temporary = join(directory, `${EXTRACTED_NAME}.${process.pid}.tmp`);
  rmSync(temporary, { recursive: true, force: true });
  mkdirSync(temporary, { recursive: true });
  const outcome = await runCommand(
    "tar",
    ["-xzf", join(directory, tarball), "-C", temporary, "--no-same-owner"],
    {
      timeoutMs: CODEX_LIMITS.extractTimeoutMs,
    },
  );
  if (outcome.code !== 0) {
    rmSync(temporary, { recursive: true, force: true });
    const why = outcome.timedOut
      ? "limit extractTimeoutMs reached"
      : (outcome.spawnError ?? outcome.stderr.trim());
    return { ok: false, problem: `tar -xzf ${tarball} failed: ${why}` };
  }
  rmSync(root, { recursive: true, force: true });
  renameSync(temporary, root);
  return { ok: true, root };
}
