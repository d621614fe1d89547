/**
 * Do a real Codex's `codex login` and `codex logout` take the lock its refresh's save takes (0.171: an
 * exclusive flock on `auth.lock` beside auth.json)? The model cannot say (issue #10, item 5): a design with a
 * lock states it as a rule (`loginTakesLock`), which this judges against what the binary does.
 *
 * For each command: auth.json holds a real family's tokens (a loopback token server mints them); this process
 * takes the flock on `auth.lock` (impl/ports/flock-lock.ts, the lock `flocked` and the reference
 * implementation take); the command starts (`login --with-api-key`, the key on stdin, or `logout`) and is
 * watched for HOLD_MS: does it exit, and does auth.json change, while the lock is held? Then the lock is
 * released and the command must finish and change auth.json within EXIT_WAIT_MS. A command that waits while
 * the lock is held and finishes once it is released takes the lock; one that finishes while it is held does
 * not. Which files are in CODEX_HOME afterwards is reported as seen (auth.lock is created by the probe).
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFlockLock } from "../impl/ports/flock-lock.js";
import { authJsonPath } from "../impl/storage/index.js";
import { usesFileLock } from "../model/config.js";
import { requireDesign } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import type { Agreement } from "../scenarios/index.js";
import { startTokenServer, writeFamilyAuthJson } from "../server/index.js";

export const LOGIN_LOCK_LIMITS = {
  /** How long the lock is held with the command running: it must not finish meanwhile if it takes the lock. */
  holdMs: 3_000,
  /** After the release: the command must finish within this. */
  exitWaitMs: 20_000,
} as const;

/** An API key only this probe uses; `codex login --with-api-key` stores it as given. */
const PROBE_API_KEY = "sk-authrace-login-lock-probe";

export const LOGIN_COMMANDS = ["login", "logout"] as const;
export type LoginCommand = (typeof LOGIN_COMMANDS)[number];

export interface LoginLockObservation {
  command: LoginCommand;
  /** The command exited while this process held the lock. */
  exitedWhileHeld: boolean;
  /** auth.json changed (rewritten or removed) while the lock was held. */
  changedWhileHeld: boolean;
  /** auth.json changed by the time the command exited (after the release when it waited). */
  changed: boolean;
  exitCode: number | null;
  /** The command waited for the lock and did its work once it was released. */
  takesLock: boolean;
  /** Files in CODEX_HOME after the command (auth.lock is the probe's own; auth.json.lock, ... the binary's). */
  files: string[];
  /** The command's last stderr line, for a run that failed. */
  lastError: string;
}

export type LoginLockResult =
  | { ok: true; observations: LoginLockObservation[]; durationMs: number }
  | { ok: false; message: string };

function snapshotOf(file: string): string | null {
  return existsSync(file) ? readFileSync(file, "utf8") : null;
}

function lastLine(text: string): string {
  const lines = text.trim().split("\n");
  return lines[lines.length - 1] ?? "";
}

async function observe(binaryPath: string, command: LoginCommand): Promise<LoginLockObservation> {
  const home = mkdtempSync(join(tmpdir(), `authrace-login-lock-${command}-`));
  const server = await startTokenServer();
  try {
    const file = authJsonPath(home);
    await writeFamilyAuthJson(file, server.createFamily(), Date.now(), "refuse");
    const before = snapshotOf(file);
    const lock = createFlockLock(file);
    const taken = await lock.acquire();
    if (!taken.ok) throw new Error(`cannot take the flock beside ${file}: ${taken.error.message}`);
    const args = command === "login" ? ["login", "--with-api-key"] : ["logout"];
    const child = spawn(binaryPath, args, {
      env: { ...process.env, CODEX_HOME: home },
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr = (stderr + String(chunk)).slice(-4096);
    });
    let spawnError: Error | null = null;
    const exited = new Promise<number | null>((resolve) => {
      child.once("exit", (code) => resolve(code));
      child.once("error", (error) => {
        spawnError = error;
        resolve(null);
      });
    });
    // A binary that exits without reading its stdin must not fail the probe with EPIPE.
    child.stdin.on("error", () => undefined);
    child.stdin.end(command === "login" ? `${PROBE_API_KEY}\n` : "");
    const during = await Promise.race([
      exited.then(() => true),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), LOGIN_LOCK_LIMITS.holdMs)),
    ]);
    const changedWhileHeld = snapshotOf(file) !== before;
    await lock.release();
    const timeout = new Promise<"timeout">((resolve) =>
      setTimeout(() => resolve("timeout"), LOGIN_LOCK_LIMITS.exitWaitMs),
    );
    const exitCode = await Promise.race([exited, timeout]);
    if (exitCode === "timeout") {
      child.kill("SIGKILL");
      throw new Error(
        `codex ${args.join(" ")} did not exit within ${LOGIN_LOCK_LIMITS.exitWaitMs} ms of the release`,
      );
    }
    if (spawnError !== null) throw new Error(`cannot run ${binaryPath}: ${(spawnError as Error).message}`);
    const changed = snapshotOf(file) !== before;
    return {
      command,
      exitedWhileHeld: during,
      changedWhileHeld,
      changed,
      exitCode,
      takesLock: !during && !changedWhileHeld && changed && exitCode === 0,
      files: readdirSync(home).sort(),
      lastError: exitCode === 0 ? "" : lastLine(stderr),
    };
  } finally {
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Runs `codex login` and `codex logout` of the binary against a held flock on auth.lock. */
export async function runLoginLock(binaryPath: string): Promise<LoginLockResult> {
  const started = performance.now();
  try {
    const observations: LoginLockObservation[] = [];
    for (const command of LOGIN_COMMANDS) observations.push(await observe(binaryPath, command));
    return { ok: true, observations, durationMs: performance.now() - started };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

export interface JudgedLoginLock {
  result: LoginLockResult;
  /** The design's `loginTakesLock`; null when the binary is judged by none, or its design has no lock. */
  expected: boolean | null;
  mismatches: string[] | null;
  agreement: Agreement;
}

/** The probe's result against the rule of the design the binary mirrors. */
export function judgeLoginLock(result: LoginLockResult, variant: Variant | null): JudgedLoginLock {
  const rules = variant === null ? null : requireDesign(variant).rules;
  const expected = rules !== null && usesFileLock(rules) ? rules.loginTakesLock : null;
  if (!result.ok) return { result, expected, mismatches: null, agreement: "failed" };
  if (expected === null) return { result, expected, mismatches: null, agreement: "no-expectation" };
  const mismatches = result.observations
    .filter((seen) => seen.takesLock !== expected)
    .map((seen) => `codex ${seen.command}: takes the lock ${seen.takesLock}, the design says ${expected}`);
  return { result, expected, mismatches, agreement: mismatches.length === 0 ? "matches" : "differs" };
}

export function formatLoginLock(observations: readonly LoginLockObservation[]): string {
  return observations
    .map((seen) => {
      const how = seen.takesLock
        ? "waited while auth.lock was held, then did its work: takes the lock"
        : seen.exitedWhileHeld
          ? `finished while auth.lock was held (auth.json ${seen.changedWhileHeld ? "changed" : "unchanged"}): does not take it`
          : `did not finish as expected (exit ${seen.exitCode}, auth.json ${seen.changed ? "changed" : "unchanged"}${seen.lastError ? `: ${seen.lastError}` : ""})`;
      return `  codex ${seen.command}: ${how}; CODEX_HOME after: ${seen.files.join(", ")}`;
    })
    .join("\n");
}
