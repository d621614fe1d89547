/**
 * Samples CODEX_HOME while a run goes on: auth.json (content, inode and birth time) and the lock files. A
 * sample is taken on every fs.watch event of the folder (a write in place, a rename over auth.json, a lock
 * directory made or removed) and every `pollMs` besides (fs.watch coalesces, and an flock shows only in
 * /proc/locks). Only changes are recorded. Each sample is the state at some instant of the window it was read
 * in, [from, to]; two writes between samples leave only the second: samples are what they are, never more.
 *
 * auth.json is read through one file descriptor (open, fstat, read), so its content and its inode belong
 * together; a reader racing a truncating in-place write sees a partial file, recorded as "unreadable".
 */
import { type FSWatcher, watch } from "node:fs";
import { open, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { FLOCK_FILE_NAME, MKDIR_LOCK_NAME } from "../impl/storage/index.js";
import type { DiskChange, Observation, TokenRef } from "./run-file.js";

export const WATCH_LIMITS = {
  /** Fallback sampling period (fs.watch events trigger samples at once). */
  pollMs: 4,
  /** auth.json is a few KiB; past this it is recorded unreadable rather than read whole. */
  authFileBytesMax: 256 * 1024,
} as const;

/**
 * The lock files the designs use. What "held" means depends on what the file is: proper-lockfile (the
 * reference's mkdir lock) makes a directory `auth.json.mkdir-lock` (MKDIR_LOCK_NAME; runs recorded before it
 * was renamed show `auth.json.lock`), present while held; Codex 0.171 flocks two regular files, `auth.lock`
 * and `auth.json.lock`, and the reference's flock lock one, `auth.lock` (FLOCK_FILE_NAME); they stay after
 * release, so a regular file is held while /proc/locks lists a lock on its inode.
 */
export const LOCK_FILES = [MKDIR_LOCK_NAME, "auth.json.lock", FLOCK_FILE_NAME] as const;

interface DiskState {
  /** inode:birthtime, or null when absent. */
  identity: string | null;
  content: string | null;
}

export interface WatchContext {
  codexHome: string;
  now: () => number;
  record: (observation: Observation) => void;
  identify: (token: string) => TokenRef | null;
}

function parseAuth(content: string, identify: (token: string) => TokenRef | null) {
  try {
    const json = JSON.parse(content) as { tokens?: Record<string, unknown> };
    const tokens = json.tokens;
    if (typeof tokens !== "object" || tokens === null || typeof tokens.refresh_token !== "string")
      return null;
    const account = typeof tokens.account_id === "string" ? tokens.account_id : null;
    const access = typeof tokens.access_token === "string" ? identify(tokens.access_token) : null;
    return { account, refresh: identify(tokens.refresh_token), access };
  } catch {
    return null;
  }
}

function changeOf(previous: DiskState | null, current: DiskState): DiskChange {
  if (previous === null) return "first";
  if (previous.identity === null) return "created";
  if (current.identity === null) return "removed";
  return previous.identity === current.identity ? "in-place" : "replaced";
}

/** The inodes that hold a lock, from /proc/locks (`1: FLOCK ADVISORY WRITE <pid> <maj>:<min>:<inode> 0 EOF`). */
async function lockedInodes(): Promise<Set<number>> {
  const inodes = new Set<number>();
  let text: string;
  try {
    text = await readFile("/proc/locks", "utf8");
  } catch {
    return inodes;
  }
  for (const line of text.split("\n")) {
    // A blocked waiter's line starts with "->" and names the inode it waits for, not one held.
    const fields = line.trim().split(/\s+/);
    if (fields[1] === "->") continue;
    const inode = Number(fields[5]?.split(":")[2]);
    if (Number.isInteger(inode)) inodes.add(inode);
  }
  return inodes;
}

export class HomeWatcher {
  private disk: DiskState | null = null;
  private lockHeld = false;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;

  constructor(private readonly context: WatchContext) {}

  /** Takes the first sample, then samples on every change and every pollMs. */
  async start(): Promise<void> {
    await this.sampleNow();
    try {
      this.watcher = watch(this.context.codexHome, () => this.request());
      this.watcher.on("error", () => undefined);
    } catch {
      // No inotify here: polling alone still samples.
    }
    this.timer = setInterval(() => this.request(), WATCH_LIMITS.pollMs);
  }

  /** Stops watching after one last sample. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.running;
    await this.sampleNow();
  }

  /** One sample at a time; a request during one runs another right after it. */
  private request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.sampleNow().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.request();
      }
    });
  }

  private async sampleNow(): Promise<void> {
    await this.sampleDisk();
    await this.sampleLocks();
  }

  private async sampleDisk(): Promise<void> {
    const { now } = this.context;
    const from = now();
    const read = await readAuthFile(join(this.context.codexHome, "auth.json"));
    const to = now();
    const previous = this.disk;
    if (previous !== null && previous.identity === read.identity && previous.content === read.content) return;
    this.disk = read;
    const change = changeOf(previous, read);
    if (read.identity === null) {
      this.context.record({
        kind: "disk",
        from,
        to,
        state: "absent",
        account: null,
        refresh: null,
        access: null,
        change,
      });
      return;
    }
    const parsed = read.content === null ? null : parseAuth(read.content, this.context.identify);
    if (parsed === null) {
      const torn = { state: "unreadable" as const, account: null, refresh: null, access: null };
      this.context.record({ kind: "disk", from, to, ...torn, change });
      return;
    }
    this.context.record({ kind: "disk", from, to, state: "ok", ...parsed, change });
  }

  /**
   * One lock sample for all lock files together: the model has one lock, held while any file is (Codex
   * 0.171's inner flock on auth.json.lock nests in the one on auth.lock). The inodes come first, then one read
   * of /proc/locks, so every flock is judged at the same instant.
   */
  private async sampleLocks(): Promise<void> {
    const { now } = this.context;
    const from = now();
    const infos = await Promise.all(
      LOCK_FILES.map(async (file) => ({
        file,
        info: await stat(join(this.context.codexHome, file)).catch(() => null),
      })),
    );
    const present = infos.filter((entry) => entry.info !== null);
    const locked = present.some((entry) => !entry.info?.isDirectory())
      ? await lockedInodes()
      : new Set<number>();
    const heldFiles = present
      .filter(({ info }) => info?.isDirectory() === true || locked.has(info?.ino ?? -1))
      .map((entry) => entry.file);
    const to = now();
    const held = heldFiles.length > 0;
    if (this.lockHeld === held) return;
    this.lockHeld = held;
    this.context.record({ kind: "lock", from, to, file: heldFiles.join(","), held });
  }
}

/** auth.json through one descriptor: its identity (inode, birth time) and content belong together. */
async function readAuthFile(path: string): Promise<DiskState> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch {
    return { identity: null, content: null };
  }
  try {
    const info = await handle.stat();
    const identity = `${info.ino}:${info.birthtimeMs}`;
    if (info.size > WATCH_LIMITS.authFileBytesMax) return { identity, content: null };
    return { identity, content: await handle.readFile("utf8") };
  } finally {
    await handle.close();
  }
}
