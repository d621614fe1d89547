/**
 * The surroundings of one scenario run: a loopback token server with one fresh family, a throwaway CODEX_HOME
 * whose auth.json holds that family's R0, and every process started on it. `close()` stops all of it whatever
 * happened: processes first (asked to exit, killed after the factory's exit timeout, SCENARIO_LIMITS.exitTimeoutMs
 * for the reference), then the server, then the directory (kept when asked: a failed Codex run's logs).
 *
 * The fixture's age (`ScenarioOptions.staleAfterMs`): stale from the start (`last_refresh` 9 days old), or
 * stale W ms after it was written (`last_refresh` = now - 8 days + W) for an implementation that would refresh
 * a stale file at startup. Its access token is opaque (`at-R0`): no JWT `exp`, so `last_refresh` alone decides
 * staleness on every variant and every Codex version.
 *
 * Layout `<root>/home/.codex`: a Codex binary takes HOME from CODEX_HOME's parent, so it stays inside root too.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DriverProcess } from "../impl/driver/client.js";
import { TOKEN_REFRESH_INTERVAL_MS } from "../impl/manager/index.js";
import { authJsonPath } from "../impl/storage/index.js";
import {
  type FamilyTokens,
  startTokenServer,
  type TokenServer,
  type TokenServerOptions,
  writeFamilyAuthJson,
} from "../server/index.js";
import type { ProcessFactory, ReplyTimeout } from "./implementation.js";
import type { RunObserver } from "./observer.js";
import type { ProcessName } from "./types.js";

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** `last_refresh` one day past Codex's 8-day refresh interval: stale on every variant from the start. */
const FIXTURE_AGE_MS = TOKEN_REFRESH_INTERVAL_MS + MS_PER_DAY;

export type StartResult = { ok: true; process: DriverProcess } | { ok: false; problem: string };
export type StartManagersResult = { ok: true; processes: DriverProcess[] } | { ok: false; problem: string };

export interface World {
  server: TokenServer;
  /** The family whose R0 is in auth.json; its tokens are whole (compare, never print). */
  family: FamilyTokens;
  /** The run's temporary directory; CODEX_HOME is `<root>/home/.codex`. */
  root: string;
  codexHome: string;
  /** When a "stale after" fixture turns stale (epoch ms); null when it was stale from the start. */
  staleAtMs: number | null;
  /** Starts a process on the shared CODEX_HOME; it has loaded auth.json once this resolves ok. */
  start(name: ProcessName): Promise<StartResult>;
  /**
   * Starts ONE process holding one auth manager per name on the shared CODEX_HOME (ProcessFactory.spawnManagers);
   * each has loaded auth.json once this resolves ok. Fails, saying so, where the implementation cannot.
   */
  startManagers(names: readonly ProcessName[]): Promise<StartManagersResult>;
  /** Stops everything; removes `root` unless `keepFiles`. */
  close(keepFiles?: boolean): Promise<void>;
}

export type OpenResult = { ok: true; world: World } | { ok: false; problem: string };

export interface WorldSetup {
  serverOptions: TokenServerOptions;
  /** See `ScenarioOptions.staleAfterMs`. */
  staleAfterMs: number | null;
  /** Parent of the run's directory; default the OS temp directory. */
  temporaryDirectory?: string;
  /** Sees the server's requests, the world and every process (validate/'s recorder). */
  observer?: RunObserver;
  /** Passed to every process started (its commands' reply timeout). */
  replyTimeout?: ReplyTimeout;
}

/** Failing I/O (no temp directory, no port) is a result; whatever was set up by then is removed again. */
export async function openWorld(factory: ProcessFactory, setup: WorldSetup): Promise<OpenResult> {
  let root: string | null = null;
  let server: TokenServer | null = null;
  try {
    root = await mkdtemp(join(setup.temporaryDirectory ?? tmpdir(), "authrace-scenario-"));
    const { observer } = setup;
    server = await startTokenServer({
      ...setup.serverOptions,
      accessTokenStyle: "opaque",
      ...(observer ? { onRequest: (record) => observer.onRequest(record) } : {}),
    });
    const family = server.createFamily({ accessToken: "opaque" });
    const codexHome = join(root, "home", ".codex");
    await mkdir(codexHome, { recursive: true });
    const staleAtMs = await writeFixture(codexHome, family, setup.staleAfterMs);
    observer?.opened({ server, codexHome });
    const world = assembleWorld(factory, { root, server, family, codexHome, staleAtMs }, setup);
    return { ok: true, world };
  } catch (error) {
    await server?.close();
    if (root !== null) await rm(root, { recursive: true, force: true });
    return {
      ok: false,
      problem: `cannot set up the scenario: ${error instanceof Error ? error.message : error}`,
    };
  }
}

/** Writes auth.json holding R0; resolves to when it turns stale (null: stale already). */
async function writeFixture(
  codexHome: string,
  family: FamilyTokens,
  staleAfterMs: number | null,
): Promise<number | null> {
  const nowMs = Date.now();
  const lastRefresh =
    staleAfterMs === null ? nowMs - FIXTURE_AGE_MS : nowMs - TOKEN_REFRESH_INTERVAL_MS + staleAfterMs;
  await writeFamilyAuthJson(authJsonPath(codexHome), family, lastRefresh, "replace");
  return staleAfterMs === null ? null : nowMs + staleAfterMs;
}

type WorldParts = Pick<World, "root" | "server" | "family" | "codexHome" | "staleAtMs">;

function assembleWorld(
  factory: ProcessFactory,
  parts: WorldParts,
  { observer, replyTimeout }: Pick<WorldSetup, "observer" | "replyTimeout">,
): World {
  const processes: DriverProcess[] = [];
  const { root, server, codexHome } = parts;
  return {
    ...parts,
    async start(name) {
      const request = { codexHome, name, tokenUrl: server.tokenUrl };
      const started = await factory.spawn(
        replyTimeout === undefined ? request : { ...request, replyTimeout },
      );
      if (!started.ok) {
        return {
          ok: false,
          problem: `${name} did not start (${started.error.kind}): ${started.error.message}`,
        };
      }
      const process = observer ? observer.started(name, started.driver) : started.driver;
      processes.push(process);
      return { ok: true, process };
    },
    async startManagers(names) {
      const label = names.join("+");
      if (factory.spawnManagers === undefined) {
        return {
          ok: false,
          problem: `${factory.name} cannot hold several auth managers in one process (${label})`,
        };
      }
      const request = { codexHome, name: label, tokenUrl: server.tokenUrl };
      const started = await factory.spawnManagers(
        replyTimeout === undefined ? request : { ...request, replyTimeout },
        names,
      );
      if (!started.ok) {
        return {
          ok: false,
          problem: `${label} did not start (${started.error.kind}): ${started.error.message}`,
        };
      }
      const handles = started.drivers.map((driver, index) =>
        observer ? observer.started(names[index] ?? driver.name, driver) : driver,
      );
      processes.push(...handles);
      return { ok: true, processes: handles };
    },
    async close(keepFiles = false) {
      await observer?.closing();
      // exit() never rejects (it kills after the exit timeout); allSettled keeps that true for any factory.
      await Promise.allSettled(processes.map((process) => process.exit()));
      try {
        await server.close();
      } finally {
        if (!keepFiles) await rm(root, { recursive: true, force: true });
      }
    },
  };
}
