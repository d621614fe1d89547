/**
 * The kernel lock: an exclusive flock(2) on `auth.lock` beside auth.json's real file (lock-path.ts), the lock
 * file Codex 0.171 already flocks around its save. Through fs-ext's `flockSync(fd, "exnb")`, a maintained
 * binding of flock(2): Node has no flock of its own, and a hand-written addon would be more native code to
 * keep. Non-blocking, so the event loop never waits in the kernel; our loop retries.
 *
 * Why flock and not proper-lockfile's mkdir lock:
 * - The kernel releases it when the holder's process dies (its descriptor closes): no orphaned lock to
 *   reclaim by age, so no stale time, and a stalled live holder never loses it.
 * - It excludes per open file description, so two managers in one process (each opens the file) exclude
 *   each other too; fcntl(2) record locks would not (they are per process).
 * - A real Codex 0.171 flocks the same file, so its saves and our refreshes exclude each other.
 *
 * Waiting is bounded: `retriesMax` attempts with capped backoff, then a typed "busy" result. The lock file is
 * never removed (removing it would let a waiter lock a new inode while the holder keeps the old one); a
 * release that finds the path now names another file reports the lock "compromised".
 */
import { constants } from "node:fs";
import { type FileHandle, open, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { isMainThread } from "node:worker_threads";
import { LOCK_RETRIES_MAX, LOCK_RETRY_MAXIMUM_MS, LOCK_RETRY_MINIMUM_MS } from "./file-lock.js";
import { lockPathOf } from "./lock-path.js";
import { backoffMs, sleep } from "./lock-wait.js";
import type { Lock, LockErrorKind, LockResult } from "./types.js";

export interface FlockOptions {
  /** Attempts after the first before acquire gives up with "busy". */
  retriesMax?: number;
  retryMinimumMs?: number;
  retryMaximumMs?: number;
}

/** The lock file holds nothing; owner-only like every file authrace creates in CODEX_HOME. */
const LOCK_FILE_MODE = 0o600;
const OPEN_FLAGS = constants.O_RDWR | constants.O_CREAT;

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? "unknown error";
}

function lockFailure(kind: LockErrorKind, message: string): LockResult {
  return { ok: false, error: { kind, message } };
}

type FsExt = { flockSync(fd: number, flags: "exnb" | "un"): void };
let fsExt: FsExt | null = null;

/**
 * fs-ext is loaded on the first flock, not when this module is imported: its addon is not context-aware, and
 * loading it in a worker thread (conformance's --workers imports these ports) aborts the whole process. So
 * a flock in a worker thread is refused here, by name, before the addon is touched.
 */
function binding(): FsExt {
  if (fsExt !== null) return fsExt;
  if (!isMainThread) {
    throw new Error(
      "flock: fs-ext cannot be loaded in a worker thread (its addon is not context-aware); run flock designs on the main thread",
    );
  }
  fsExt = createRequire(import.meta.url)("fs-ext") as FsExt;
  return fsExt;
}

/** flock(LOCK_EX | LOCK_NB): true when taken, false when another description holds it; else it throws. */
function tryExclusive(fd: number): boolean {
  try {
    binding().flockSync(fd, "exnb");
    return true;
  } catch (error) {
    const code = errorCode(error);
    if (code === "EAGAIN" || code === "EWOULDBLOCK") return false;
    throw error;
  }
}

class KernelFileLock implements Lock {
  private held: { handle: FileHandle; path: string } | null = null;
  private readonly retriesMax: number;
  private readonly minimumMs: number;
  private readonly maximumMs: number;

  constructor(
    private readonly authFile: string,
    options: FlockOptions,
  ) {
    this.retriesMax = options.retriesMax ?? LOCK_RETRIES_MAX;
    this.minimumMs = options.retryMinimumMs ?? LOCK_RETRY_MINIMUM_MS;
    this.maximumMs = options.retryMaximumMs ?? LOCK_RETRY_MAXIMUM_MS;
  }

  async acquire(): Promise<LockResult> {
    if (this.held !== null) return lockFailure("failed", "this lock instance already holds the lock");
    const located = await lockPathOf("flock", this.authFile);
    if (!located.ok) return lockFailure("failed", `cannot locate the lock: ${located.message}`);
    let handle: FileHandle;
    try {
      handle = await open(located.path, OPEN_FLAGS, LOCK_FILE_MODE);
    } catch (error) {
      return lockFailure("failed", `cannot open ${located.path} (${errorCode(error)})`);
    }
    try {
      for (let attempt = 0; attempt <= this.retriesMax; attempt += 1) {
        if (attempt > 0) await sleep(backoffMs(attempt, this.minimumMs, this.maximumMs));
        if (tryExclusive(handle.fd)) {
          this.held = { handle, path: located.path };
          return { ok: true };
        }
      }
    } catch (error) {
      await handle.close();
      return lockFailure("failed", `cannot flock ${located.path} (${errorCode(error)})`);
    }
    await handle.close();
    return lockFailure(
      "busy",
      `${located.path} is locked (flock) by another process: still held after ${this.retriesMax} retries (LOCK_RETRIES_MAX)`,
    );
  }

  async release(): Promise<LockResult> {
    const held = this.held;
    if (held === null) return lockFailure("not-held", "release without acquire");
    this.held = null;
    const replaced = await this.replacedWhileHeld(held);
    try {
      // Closing the only descriptor of this open file description releases the flock.
      await held.handle.close();
    } catch (error) {
      return lockFailure("failed", `cannot release the lock (${errorCode(error)})`);
    }
    return replaced === null ? { ok: true } : lockFailure("compromised", replaced);
  }

  async abandon(): Promise<void> {
    const held = this.held;
    this.held = null;
    await held?.handle.close();
  }

  /** Someone removed or replaced the lock file: a waiter may have locked the new file meanwhile. */
  private async replacedWhileHeld(held: { handle: FileHandle; path: string }): Promise<string | null> {
    const ours = await held.handle.stat();
    try {
      const now = await stat(held.path);
      if (now.ino === ours.ino && now.dev === ours.dev) return null;
      return `${held.path} was replaced while held`;
    } catch (error) {
      return `${held.path} was removed while held (${errorCode(error)})`;
    }
  }
}

export function createFlockLock(authFile: string, options: FlockOptions = {}): Lock {
  return new KernelFileLock(authFile, options);
}

/**
 * Does anyone hold an flock on `path`? Asked from a separate open file description (a harness observing the world):
 * a non-blocking exclusive flock that fails means held; one that succeeds is undone at once. No file: free.
 */
export async function flockIsHeld(path: string): Promise<boolean> {
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY);
  } catch (error) {
    if (errorCode(error) === "ENOENT") return false;
    throw error;
  }
  try {
    return !tryExclusive(handle.fd);
  } finally {
    await handle.close();
  }
}
