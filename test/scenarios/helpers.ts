/**
 * Shared by the scenario tests: building dist/ when it is older than the sources (the driver and the CLI run
 * from dist/ as real OS processes), a temporary parent for the runs' CODEX_HOMEs that must be empty again
 * afterwards, and a factory that remembers the pid of every process it started so a test can prove that
 * none outlived its run.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import lockfile from "proper-lockfile";
import type { Variant } from "../../model/vocabulary.js";
import { type ProcessFactory, referenceImplementation } from "../../scenarios/index.js";

export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const cliEntry = join(repositoryRoot, "dist/cli/main.js");

/**
 * What `node dist/cli/main.js scenario` and `node dist/impl/driver/main.js` load. test/server/build.ts has the
 * same check for the server's sources only; cli/main.ts loads every command, hence codex/ too.
 */
const SOURCES = ["scenarios", "cli", "impl", "server", "codex", "model"];
const BUILD_TIMEOUT_MS = 120_000;
/** One lock per checkout: the builds it serialises all write the same dist/. */
const BUILD_LOCK_PATH = join(
  tmpdir(),
  `authrace-build-${createHash("sha256").update(repositoryRoot).digest("hex").slice(0, 16)}.lock`,
);
/** Waiting for another worker's build: BUILD_LOCK_RETRIES_MAX x BUILD_LOCK_RETRY_MS covers BUILD_TIMEOUT_MS. */
const BUILD_LOCK_RETRY_MS = 500;
const BUILD_LOCK_RETRIES_MAX = BUILD_TIMEOUT_MS / BUILD_LOCK_RETRY_MS;

function sourceFiles(path: string): string[] {
  const absolute = join(repositoryRoot, path);
  if (!statSync(absolute).isDirectory()) return [absolute];
  return readdirSync(absolute, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.endsWith(".test.ts"))
    .map((file) => join(absolute, file));
}

function outdated(): string[] {
  return SOURCES.flatMap(sourceFiles).filter((source) => {
    const output = join(repositoryRoot, "dist", relative(repositoryRoot, source).replace(/\.ts$/, ".js"));
    try {
      return statSync(output).mtimeMs < statSync(source).mtimeMs;
    } catch {
      return true;
    }
  });
}

/**
 * Runs `tsc -p tsconfig.build.json` when any source is newer than its output; fails naming what is still
 * stale. Test files run in parallel workers: a lock makes the second one wait and find dist/ fresh, instead
 * of running a second tsc on two cores.
 */
export async function ensureBuilt(): Promise<void> {
  if (outdated().length === 0) return;
  const release = await lockfile.lock(repositoryRoot, {
    lockfilePath: BUILD_LOCK_PATH,
    realpath: false,
    stale: BUILD_TIMEOUT_MS,
    retries: {
      retries: BUILD_LOCK_RETRIES_MAX,
      minTimeout: BUILD_LOCK_RETRY_MS,
      maxTimeout: BUILD_LOCK_RETRY_MS,
    },
  });
  try {
    await build();
  } finally {
    await release();
  }
}

async function build(): Promise<void> {
  if (outdated().length === 0) return;
  const log = await promisify(execFile)("npx", ["tsc", "-p", "tsconfig.build.json"], {
    cwd: repositoryRoot,
    timeout: BUILD_TIMEOUT_MS,
  }).then(
    () => "",
    // tsc emits despite type errors elsewhere in the tree; only missing output is fatal here.
    (error: { stdout?: string }) => error.stdout ?? String(error),
  );
  const missing = outdated();
  if (missing.length > 0) {
    throw new Error(`build left ${missing.length} outputs outdated (${missing[0]}):\n${log.slice(0, 2_000)}`);
  }
}

export interface TemporaryParent {
  path: string;
  /** Names left inside: a finished run must leave none. */
  leftovers(): Promise<string[]>;
  remove(): Promise<void>;
}

export async function makeTemporaryParent(): Promise<TemporaryParent> {
  const path = await mkdtemp(join(tmpdir(), "authrace-scenario-test-"));
  return {
    path,
    leftovers: () => readdir(path),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** True while a process with this pid exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export interface RecordingFactory extends ProcessFactory {
  /** Pids of every process started so far. */
  readonly pids: number[];
}

/** The reference implementation of `variant`, remembering each started driver's pid. */
export function recordingFactory(
  variant: Variant,
  inner: ProcessFactory = referenceImplementation(variant),
): RecordingFactory {
  const pids: number[] = [];
  return {
    name: inner.name,
    variant: inner.variant,
    pids,
    async spawn(request) {
      const started = await inner.spawn(request);
      // JsonLineDriver exposes its pid; DriverProcess does not promise one.
      if (started.ok && "pid" in started.driver && typeof started.driver.pid === "number") {
        pids.push(started.driver.pid);
      }
      return started;
    },
  };
}
