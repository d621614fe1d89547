/**
 * The real surroundings of one crash run: a throwaway CODEX_HOME whose auth.json holds R0 of account A (a login
 * 9 days old: stale for every design), a loopback token server that rotates on every use (opaque access tokens,
 * so `last_refresh` alone decides staleness, as in the scenarios), and what can be observed after a crash:
 * auth.json, the files beside it, the lock directory, and how the disk's token stands at the server.
 */
import { mkdir, mkdtemp, readdir, rm, stat, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOKEN_REFRESH_INTERVAL_MS } from "../impl/manager/index.js";
import { flockIsHeld } from "../impl/ports/index.js";
import {
  AUTH_JSON_FILE_NAME,
  authJsonPath,
  authLockPath,
  FLOCK_FILE_NAME,
  readAuthJson,
} from "../impl/storage/index.js";
import { startTokenServer, type TokenServer, writeFamilyAuthJson } from "../server/index.js";

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** One day past Codex's 8-day refresh interval: stale for every design. */
export const FIXTURE_AGE_MS = TOKEN_REFRESH_INTERVAL_MS + MS_PER_DAY;
/** How far into the past an orphaned lock's mtime is set: past any stale time a driver uses (60 s held). */
export const LOCK_AGE_MS = 10 * 60 * 1000;

export const ACCOUNT_IDS = { A: "account-A", B: "account-B" } as const;

/** auth.json as observed: absent, unreadable (with why), or whose account and where its token stands. */
export type RealDisk =
  | { kind: "absent" }
  | { kind: "unreadable"; problem: string }
  | { kind: "ok"; account: string; standing: "current" | "previous" | "older" | "unknown" };

export interface Observation {
  disk: RealDisk;
  /** Files in CODEX_HOME other than auth.json and its locks (a temp file left by a write). */
  strayFiles: string[];
  /** The lock directory is there (held, or orphaned by a killed holder), or auth.lock's flock is held. */
  lockPresent: boolean;
}

export interface CrashWorld {
  root: string;
  home: string;
  server: TokenServer;
  observe(): Promise<Observation>;
  /** An orphaned lock goes stale, as time would make it (the model's expireLock). */
  ageLock(): Promise<void>;
  close(): Promise<void>;
}

function accountName(accountId: string): string {
  const entry = Object.entries(ACCOUNT_IDS).find(([, id]) => id === accountId);
  return entry === undefined ? `? ${accountId}` : entry[0];
}

/** Where the token stands in its family at the server. */
function standingOf(
  server: TokenServer,
  refreshToken: string,
): Extract<RealDisk, { kind: "ok" }>["standing"] {
  for (const family of server.state().families) {
    if (family.refreshToken === refreshToken) return "current";
    const index = family.rotatedOut.indexOf(refreshToken);
    if (index >= 0) return index === family.rotatedOut.length - 1 ? "previous" : "older";
  }
  return "unknown";
}

async function observeDisk(home: string, server: TokenServer): Promise<RealDisk> {
  const read = await readAuthJson(authJsonPath(home));
  if (!read.ok) {
    if (read.error.kind === "missing") return { kind: "absent" };
    return { kind: "unreadable", problem: `${read.error.kind}: ${read.error.message}` };
  }
  const { tokens } = read.snapshot;
  return {
    kind: "ok",
    account: accountName(tokens.accountId ?? ""),
    standing: standingOf(server, tokens.refreshToken),
  };
}

export async function openCrashWorld(temporaryDirectory: string = tmpdir()): Promise<CrashWorld> {
  const root = await mkdtemp(join(temporaryDirectory, "authrace-crash-"));
  let server: TokenServer | null = null;
  try {
    server = await startTokenServer({ accessTokenStyle: "opaque" });
    const home = join(root, "home", ".codex");
    await mkdir(home, { recursive: true });
    const family = server.createFamily({ accountId: ACCOUNT_IDS.A, accessToken: "opaque" });
    await writeFamilyAuthJson(authJsonPath(home), family, Date.now() - FIXTURE_AGE_MS, "replace");
    const opened = server;
    const lockName = authLockPath(home).slice(home.length + 1);
    return {
      root,
      home,
      server: opened,
      async observe() {
        const entries = await readdir(home);
        return {
          disk: await observeDisk(home, opened),
          // auth.lock (a kernel lock's file) stays on purpose; it is held only while its holder lives.
          strayFiles: entries.filter(
            (entry) => entry !== AUTH_JSON_FILE_NAME && entry !== lockName && entry !== FLOCK_FILE_NAME,
          ),
          lockPresent: entries.includes(lockName) || (await flockIsHeld(join(home, FLOCK_FILE_NAME))),
        };
      },
      async ageLock() {
        const past = new Date(Date.now() - LOCK_AGE_MS);
        const lock = authLockPath(home);
        if ((await stat(lock).catch(() => null)) !== null) await utimes(lock, past, past);
      },
      async close() {
        await opened.close();
        await rm(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await server?.close();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
