/**
 * The surroundings of one scenario run: a loopback token server with one fresh family, a throwaway CODEX_HOME
 * whose auth.json holds that family's R0 with `last_refresh` 9 days old (stale on every variant), and every
 * process started on it. `close()` stops all of it whatever happened: processes first (asked to exit, killed
 * after the factory's exit timeout, SCENARIO_LIMITS.exitTimeoutMs for the reference), then the server, then
 * the directory.
 *
 * Layout `<root>/home/.codex`: a Codex binary takes HOME from CODEX_HOME's parent, so it stays inside root too.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DriverProcess } from "../impl/driver/client.js";
import { TOKEN_REFRESH_INTERVAL_MS } from "../impl/manager/index.js";
import { authJsonPath, formatAuthJson, makeSnapshot } from "../impl/storage/index.js";
import {
  type FamilyTokens,
  startTokenServer,
  type TokenServer,
  type TokenServerOptions,
} from "../server/index.js";
import type { ProcessFactory } from "./implementation.js";
import type { ProcessName } from "./types.js";

/** Codex creates auth.json readable by its owner only. */
const AUTH_FILE_MODE = 0o600;
const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** `last_refresh` one day past Codex's 8-day refresh interval: stale on every variant from the start. */
export const FIXTURE_AGE_MS = TOKEN_REFRESH_INTERVAL_MS + MS_PER_DAY;

export type StartResult = { ok: true; process: DriverProcess } | { ok: false; problem: string };

export interface World {
  server: TokenServer;
  /** The family whose R0 is in auth.json; its tokens are whole (compare, never print). */
  family: FamilyTokens;
  codexHome: string;
  /** Starts a process on the shared CODEX_HOME; it has loaded auth.json once this resolves ok. */
  start(name: ProcessName): Promise<StartResult>;
  close(): Promise<void>;
}

export type OpenResult = { ok: true; world: World } | { ok: false; problem: string };

/**
 * Opaque access tokens (`at-R0`) carry no JWT `exp`, so `last_refresh` alone decides staleness everywhere.
 * Failing I/O (no temp directory, no port) is a result; whatever was set up by then is removed again.
 */
export async function openWorld(
  factory: ProcessFactory,
  serverOptions: TokenServerOptions,
  temporaryDirectory: string = tmpdir(),
): Promise<OpenResult> {
  let root: string | null = null;
  let server: TokenServer | null = null;
  try {
    root = await mkdtemp(join(temporaryDirectory, "authrace-scenario-"));
    server = await startTokenServer({ ...serverOptions, accessTokenStyle: "opaque" });
    const family = server.createFamily({ accessToken: "opaque" });
    const codexHome = join(root, "home", ".codex");
    await mkdir(codexHome, { recursive: true });
    await writeStaleFixture(codexHome, family);
    return { ok: true, world: assembleWorld(factory, root, server, family, codexHome) };
  } catch (error) {
    await server?.close();
    if (root !== null) await rm(root, { recursive: true, force: true });
    return {
      ok: false,
      problem: `cannot set up the scenario: ${error instanceof Error ? error.message : error}`,
    };
  }
}

async function writeStaleFixture(codexHome: string, family: FamilyTokens): Promise<void> {
  const snapshot = makeSnapshot({
    accessToken: family.accessToken,
    refreshToken: family.refreshToken,
    accountId: family.accountId,
    idToken: family.idToken,
    lastRefresh: Date.now() - FIXTURE_AGE_MS,
  });
  await writeFile(authJsonPath(codexHome), formatAuthJson(snapshot), { mode: AUTH_FILE_MODE });
}

function assembleWorld(
  factory: ProcessFactory,
  root: string,
  server: TokenServer,
  family: FamilyTokens,
  codexHome: string,
): World {
  const processes: DriverProcess[] = [];
  return {
    server,
    family,
    codexHome,
    async start(name) {
      const started = await factory.spawn({ codexHome, name, tokenUrl: server.tokenUrl });
      if (!started.ok) {
        return {
          ok: false,
          problem: `${name} did not start (${started.error.kind}): ${started.error.message}`,
        };
      }
      processes.push(started.driver);
      return { ok: true, process: started.driver };
    },
    async close() {
      // exit() never rejects (it kills after the exit timeout); allSettled keeps that true for any factory.
      await Promise.allSettled(processes.map((process) => process.exit()));
      try {
        await server.close();
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    },
  };
}
