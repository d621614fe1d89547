/**
 * `fetchCodex(version)`: the verified native binary of one Codex release for this machine, downloaded once
 * into the cache and checked before every use (tarball sha512 against the registry's integrity, binary
 * present, `--version` answers with the right version in time). Every way this can fail is a typed failure
 * whose message names the cause; nothing here throws for an operating error.
 */
import { existsSync, mkdirSync, renameSync, rmdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import lockfile from "proper-lockfile";
import {
  checkIntegrity,
  defaultCacheRoot,
  EXTRACTED_NAME,
  extractTarball,
  type FetchRecord,
  readRecord,
  versionDirectory,
  writeRecord,
} from "./cache.js";
import { runCommand } from "./exec.js";
import { CODEX_LIMITS, limitExceeded } from "./limits.js";
import { locateBinary } from "./locate.js";
import { npmRegistry, type PackageRegistry } from "./registry.js";
import {
  CODEX_PACKAGE,
  type CodexVersion,
  parseCodexVersion,
  platformPackageSpec,
  platformSuffix,
} from "./versions.js";

const FETCH_FAILURE_KINDS = [
  "invalid-version",
  "unknown-version",
  "no-platform-binary",
  "registry-error",
  "download-failed",
  "corrupt",
  "extract-failed",
  "binary-not-found",
  "binary-unresponsive",
  "binary-broken",
  "cache-busy",
  "cache-error",
] as const;
export type FetchFailureKind = (typeof FETCH_FAILURE_KINDS)[number];

export interface FetchFailure {
  kind: FetchFailureKind;
  version: string;
  message: string;
}

export interface CodexBinary {
  version: CodexVersion;
  spec: string;
  binaryPath: string;
  /** What `codex --version` printed, e.g. `codex-cli 0.117.0`. */
  reportedVersion: string;
  cacheDirectory: string;
  /** The tarball came from the cache (true) or was downloaded in this call (false). */
  fromCache: boolean;
  /** What happened on the way (a re-fetch after a failed integrity check, a re-extraction). */
  notes: string[];
  /** A binary given by path (codex/local.ts), used where it is: its design is the caller's, not its version's. */
  local?: true;
}

export type FetchResult = { ok: true; binary: CodexBinary } | { ok: false; failure: FetchFailure };

export interface FetchOptions {
  cacheRoot?: string;
  registry?: PackageRegistry;
  /** npm platform suffix; defaults to this machine's (`linux-x64`...). null: this platform has none. */
  platform?: string | null;
  /** Overrides `CODEX_LIMITS.versionCheckTimeoutMs` (tests of a hanging binary). */
  versionCheckTimeoutMs?: number;
}

/** How often a waiting fetch looks at the cache lock again. */
const CACHE_LOCK_POLL_MS = 1_000;
/** A lock not refreshed for this long belongs to a dead process (proper-lockfile refreshes it meanwhile). */
const CACHE_LOCK_STALE_MS = 60_000;

type Step<T> = { ok: true; value: T } | { ok: false; failure: FetchFailure };

export async function fetchCodex(versionText: string, options: FetchOptions = {}): Promise<FetchResult> {
  const fail = (kind: FetchFailureKind, message: string): FetchResult => ({
    ok: false,
    failure: { kind, version: versionText, message },
  });
  const parsed = parseCodexVersion(versionText);
  if (!parsed.ok) return fail("invalid-version", parsed.problem);
  const suffix = options.platform === undefined ? platformSuffix() : options.platform;
  if (suffix === null) {
    return fail("no-platform-binary", `Codex publishes no build for ${process.platform}-${process.arch}`);
  }
  const directory = versionDirectory(options.cacheRoot ?? defaultCacheRoot(), versionText);
  try {
    mkdirSync(directory, { recursive: true });
  } catch (error) {
    return fail("cache-error", `cannot create the cache folder ${directory}: ${String(error)}`);
  }
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(directory, {
      realpath: false,
      stale: CACHE_LOCK_STALE_MS,
      retries: {
        retries: Math.ceil(CODEX_LIMITS.cacheLockWaitMs / CACHE_LOCK_POLL_MS),
        factor: 1,
        minTimeout: CACHE_LOCK_POLL_MS,
        maxTimeout: CACHE_LOCK_POLL_MS,
      },
    });
  } catch (error) {
    return fail(
      "cache-busy",
      `${limitExceeded("cacheLockWaitMs", `cache lock of ${directory}`)}: ${String(error)}`,
    );
  }
  try {
    const context: Context = {
      version: parsed.version,
      spec: platformPackageSpec(parsed.version, suffix),
      directory,
      registry: options.registry ?? npmRegistry,
      versionCheckTimeoutMs: options.versionCheckTimeoutMs ?? CODEX_LIMITS.versionCheckTimeoutMs,
      notes: [],
      fail: (kind, message) => ({ ok: false, failure: { kind, version: versionText, message } }),
    };
    const result = await fetchLocked(context);
    if (!result.ok) removeIfEmpty(directory);
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}

/** An unknown version leaves no empty folder behind in the cache. */
function removeIfEmpty(directory: string): void {
  try {
    rmdirSync(directory);
  } catch {
    // not empty (a download to keep) or already gone
  }
}

interface Context {
  version: CodexVersion;
  spec: string;
  directory: string;
  registry: PackageRegistry;
  versionCheckTimeoutMs: number;
  notes: string[];
  fail: (kind: FetchFailureKind, message: string) => { ok: false; failure: FetchFailure };
}

async function fetchLocked(context: Context): Promise<FetchResult> {
  const tarball = await ensureTarball(context);
  if (!tarball.ok) return tarball;
  const binary = await ensureBinary(context);
  if (!binary.ok) return binary;
  const reported = await checkVersion(context, binary.value);
  if (!reported.ok) return reported;
  return {
    ok: true,
    binary: {
      version: context.version,
      spec: context.spec,
      binaryPath: binary.value,
      reportedVersion: reported.value,
      cacheDirectory: context.directory,
      fromCache: tarball.value.fromCache,
      notes: context.notes,
    },
  };
}

/** npm's file name for a scoped package's tarball: `@openai/codex@0.1.0-linux-x64` -> `openai-codex-0.1.0-linux-x64.tgz`. */
function tarballName(spec: string): string {
  const at = spec.lastIndexOf("@");
  return `${spec.slice(1, at).replace("/", "-")}-${spec.slice(at + 1)}.tgz`;
}

function discardDownload(context: Context, record: FetchRecord | null): void {
  if (record) rmSync(join(context.directory, record.tarball), { force: true });
  rmSync(join(context.directory, EXTRACTED_NAME), { recursive: true, force: true });
}

async function ensureTarball(context: Context): Promise<Step<{ fromCache: boolean }>> {
  const record = readRecord(context.directory);
  if (record && record.spec === context.spec) {
    const check = await checkIntegrity(join(context.directory, record.tarball), record.integrity);
    if (check.ok) return { ok: true, value: { fromCache: true } };
    context.notes.push(`the cached tarball failed its integrity check (${check.problem}): fetched it again`);
    discardDownload(context, record);
  }
  const lookup = await context.registry.lookup(context.spec);
  if (!lookup.found) return await explainMissing(context, lookup.reason, lookup.detail);
  // A tarball left by a plain `npm pack` (no record yet) is adopted when its integrity matches.
  const existing = tarballName(context.spec);
  if ((await checkIntegrity(join(context.directory, existing), lookup.integrity)).ok) {
    writeRecord(context.directory, recordOf(context, lookup.integrity, existing));
    return { ok: true, value: { fromCache: true } };
  }
  return await download(context, lookup.integrity);
}

function recordOf(context: Context, integrity: string, tarball: string): FetchRecord {
  return { spec: context.spec, integrity, tarball, fetchedAt: new Date().toISOString() };
}

async function explainMissing(
  context: Context,
  reason: "not-found" | "error",
  detail: string,
): Promise<{ ok: false; failure: FetchFailure }> {
  if (reason === "error") return context.fail("registry-error", `cannot look up ${context.spec}: ${detail}`);
  const base = `${CODEX_PACKAGE}@${context.version.text}`;
  const baseExists = await context.registry.exists(base);
  if (baseExists === false) {
    return context.fail(
      "unknown-version",
      `${base} does not exist on the npm registry (404): unknown Codex version`,
    );
  }
  if (baseExists === "error") return context.fail("registry-error", `cannot look up ${base}`);
  return context.fail(
    "no-platform-binary",
    `${base} exists but publishes no native build ${context.spec} for this platform (${detail})`,
  );
}

async function download(context: Context, integrity: string): Promise<Step<{ fromCache: boolean }>> {
  let lastProblem = "";
  for (let attempt = 1; attempt <= CODEX_LIMITS.downloadAttemptsMax; attempt += 1) {
    const partial = join(context.directory, `.partial-${process.pid}`);
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial);
    const packed = await context.registry.pack(context.spec, partial);
    if (!packed.ok) {
      rmSync(partial, { recursive: true, force: true });
      return context.fail("download-failed", packed.detail);
    }
    const check = await checkIntegrity(join(partial, packed.filename), integrity);
    if (check.ok) {
      renameSync(join(partial, packed.filename), join(context.directory, packed.filename));
      rmSync(partial, { recursive: true, force: true });
      rmSync(join(context.directory, EXTRACTED_NAME), { recursive: true, force: true });
      writeRecord(context.directory, recordOf(context, integrity, packed.filename));
      return { ok: true, value: { fromCache: false } };
    }
    rmSync(partial, { recursive: true, force: true });
    lastProblem = check.problem;
    context.notes.push(`download ${attempt} of ${context.spec} failed its integrity check: ${check.problem}`);
  }
  return context.fail(
    "corrupt",
    `${limitExceeded("downloadAttemptsMax", `downloading ${context.spec}`)}: every download failed its integrity check (${lastProblem})`,
  );
}

async function ensureBinary(context: Context): Promise<Step<string>> {
  const record = readRecord(context.directory);
  if (!record) return context.fail("extract-failed", `no fetch record in ${context.directory}`);
  const root = join(context.directory, EXTRACTED_NAME);
  if (existsSync(root)) {
    const located = locateBinary(root);
    if (located.ok) return { ok: true, value: located.binaryPath };
    context.notes.push(`the extracted package was incomplete (${located.problem}): extracted it again`);
  }
  const extracted = await extractTarball(context.directory, record.tarball);
  if (!extracted.ok) return context.fail("extract-failed", extracted.problem);
  const located = locateBinary(extracted.root);
  if (!located.ok) return context.fail("binary-not-found", `${context.spec}: ${located.problem}`);
  return { ok: true, value: located.binaryPath };
}

async function checkVersion(context: Context, binaryPath: string): Promise<Step<string>> {
  const timeoutMs = context.versionCheckTimeoutMs;
  const outcome = await runCommand(binaryPath, ["--version"], { timeoutMs });
  if (outcome.timedOut) {
    const message = `${binaryPath} --version did not answer within ${timeoutMs} ms (versionCheckTimeoutMs)`;
    return context.fail("binary-unresponsive", message);
  }
  if (outcome.spawnError)
    return context.fail("binary-broken", `cannot run ${binaryPath}: ${outcome.spawnError}`);
  const reported = outcome.stdout.trim();
  if (outcome.code !== 0) {
    const how = outcome.signal ? `was killed by ${outcome.signal}` : `exited with ${outcome.code}`;
    return context.fail(
      "binary-broken",
      `${binaryPath} --version ${how}: ${outcome.stderr.trim().slice(0, 300)}`,
    );
  }
  if (!reported.split(/\s+/).includes(context.version.text)) {
    return context.fail(
      "binary-broken",
      `${binaryPath} reports '${reported}', expected ${context.version.text}`,
    );
  }
  return { ok: true, value: reported };
}
