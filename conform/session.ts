/**
 * A conformance session: one loopback token server, one manual clock and one temp folder shared by many
 * runs. Each run gets a fresh CODEX_HOME and fresh token families, so runs never see each other's tokens.
 */
import { accessSync, constants } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../impl/ports/index.js";
import type { ServerOptions } from "../model/config.js";
import { startTokenServer } from "../server/index.js";
import type { RequestRecord, TokenServer } from "../server/types.js";

/** Every run starts at this instant; R0's fixture is written then, and time passes by hand. */
export const CONFORM_EPOCH_MS = Date.UTC(2026, 0, 1);
/** Runs per session before the session refuses more (each run creates one or two token families). */
const SESSION_RUNS_MAX = 200_000;
const FAMILIES_PER_RUN_MAX = 2;
const REQUESTS_PER_RUN_MAX = 64;

/**
 * What may outlive one run but not the session: a cmd: subject parks its driver processes here between runs
 * (conform/remote-pool.ts), and the session closes them with itself.
 */
export interface SessionScope {
  /** The value kept under `key`, made on first use; `close` runs when the session closes. */
  keep<T>(key: object, make: () => T, close: (value: T) => Promise<void>): T;
}

export interface Session extends SessionScope {
  readonly server: TokenServer;
  readonly clock: ManualClock;
  readonly serverOptions: ServerOptions;
  /** A new empty CODEX_HOME, and the clock set back to CONFORM_EPOCH_MS. */
  beginRun(listener: (record: RequestRecord) => void): Promise<string>;
  /** Clean-up of a finished run, awaited by close() rather than by the run. */
  afterRun(cleanUp: Promise<unknown>): void;
  close(): Promise<void>;
}

/** Where run folders go: $AUTHRACE_TMPDIR, else /dev/shm when writable (tmpfs: real files, cheap fsync), else the OS temp dir. */
export function conformTempRoot(): string {
  const chosen = process.env.AUTHRACE_TMPDIR;
  if (chosen !== undefined && chosen !== "") return chosen;
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return tmpdir();
  }
}

export async function openSession(serverOptions: ServerOptions): Promise<Session> {
  const clock = new ManualClock(CONFORM_EPOCH_MS);
  const root = await mkdtemp(join(conformTempRoot(), "authrace-conform-"));
  let listener: ((record: RequestRecord) => void) | null = null;
  const server = await startTokenServer({
    revokeFamilyOnReuse: serverOptions.revokeFamilyOnReuse,
    graceWindow: serverOptions.graceWindow,
    apiChecksExpiryOnly: serverOptions.apiChecksExpiryOnly,
    now: () => clock.nowMs(),
    onRequest: (record) => listener?.(record),
    limits: {
      familiesMax: SESSION_RUNS_MAX * FAMILIES_PER_RUN_MAX,
      recordedRequestsMax: SESSION_RUNS_MAX * REQUESTS_PER_RUN_MAX,
    },
  });
  let runs = 0;
  const cleanUps = new Set<Promise<unknown>>();
  const kept = new Map<object, { value: unknown; close: () => Promise<void> }>();
  return {
    server,
    clock,
    serverOptions,
    async beginRun(onRecord) {
      runs += 1;
      if (runs > SESSION_RUNS_MAX)
        throw new Error(`conformance session: SESSION_RUNS_MAX (${SESSION_RUNS_MAX}) runs`);
      listener = onRecord;
      clock.set(CONFORM_EPOCH_MS);
      const home = join(root, `run-${runs}`);
      await mkdir(home);
      return home;
    },
    afterRun(cleanUp) {
      const tracked = cleanUp.catch(() => undefined).finally(() => cleanUps.delete(tracked));
      cleanUps.add(tracked);
    },
    keep<T>(key: object, make: () => T, close: (value: T) => Promise<void>): T {
      const found = kept.get(key);
      if (found !== undefined) return found.value as T;
      const value = make();
      kept.set(key, { value, close: () => close(value) });
      return value;
    },
    async close() {
      listener = null;
      await Promise.all([...kept.values()].map((entry) => entry.close()));
      kept.clear();
      await Promise.all(cleanUps);
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
