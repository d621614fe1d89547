/**
 * The surroundings of one stress run: a loopback token server that mints short-lived JWT access tokens and
 * revokes a family on reuse, a throwaway CODEX_HOME whose auth.json holds R0 of a fresh family, and the
 * processes started on it. `close()` stops all of it whatever happened: processes first (asked to exit, killed
 * after the factory's exit timeout), then the server, then the directory.
 *
 * The fixture is a login 9 days old, its tokens minted then: stale for every variant at the first call (legacy
 * by `last_refresh`, the others by the access token's `exp`), so the run opens with every process wanting to
 * refresh R0 at once.
 *
 * An implementation that refreshes a stale auth.json while it starts (a Codex app-server: a second
 * AuthManager loads cloud requirements) would refresh R0 at startup, outside any call, racing the other
 * starts. It asks for a "stale after" fixture (`scenarioOptions.staleAfterMs`), as in the scenarios: R0 with
 * an opaque access token (no `exp`: `last_refresh` alone decides, on every Codex version) that turns stale
 * once every process has started (`freshFixtureMs`); the calls wait until then. Later tokens are JWTs that
 * expire as usual. A start slower than that is a failed run ("set-up too slow"), never a silent startup
 * refresh.
 */
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DriverProcess } from "../impl/driver/client.js";
import { TOKEN_REFRESH_INTERVAL_MS } from "../impl/manager/index.js";
import { authJsonPath } from "../impl/storage/index.js";
import type { ProcessFactory, ReplyTimeout, RunObserver } from "../scenarios/index.js";
import {
  type FaultSpec,
  SENDER_PARAMETER,
  startTokenServer,
  type TokenServer,
  writeFamilyAuthJson,
} from "../server/index.js";
import { STRESS_LIMITS, type StressSettings } from "./limits.js";

const MS_PER_DAY = 24 * 60 * 60 * 1000;
/** The fixture's login: one day past Codex's 8-day refresh interval (as the scenarios' fixture). */
const LOGIN_AGE_MS = TOKEN_REFRESH_INTERVAL_MS + MS_PER_DAY;

export interface StressWorld {
  server: TokenServer;
  /** 401 answers the server gave so far (counted as it decides; a re-login is checked after each new one). */
  rejections(): number;
  /** The run's temporary directory; CODEX_HOME is `<root>/home/.codex`. */
  root: string;
  authFile: string;
  processes: readonly DriverProcess[];
  close(): Promise<void>;
}

export type OpenStressWorld = { ok: true; world: StressWorld } | { ok: false; problem: string };

/**
 * How long a "stale after" fixture stays fresh: the implementation's own `staleAfterMs` (two starts) plus
 * startAllowanceMs for each further process; null for an implementation that starts on a stale fixture.
 */
export function freshFixtureMs(factory: ProcessFactory, processes: number): number | null {
  const staleAfterMs = factory.scenarioOptions?.staleAfterMs;
  if (staleAfterMs === undefined || staleAfterMs === null) return null;
  return staleAfterMs + Math.max(0, processes - 2) * STRESS_LIMITS.startAllowanceMs;
}

/** The token URL with `?sender=<process>` (server/http.ts records it as RequestRecord.sender). */
export function senderUrl(tokenUrl: string, process: string): string {
  const url = new URL(tokenUrl);
  url.searchParams.set(SENDER_PARAMETER, process);
  return url.toString();
}

/** `P1`, `P2`, ...: names processes in replies, logs and the report (K can exceed the model's six letters). */
export function processLabel(index: number): string {
  return `P${index + 1}`;
}

function sleep(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs));
}

export interface StressWorldSetup {
  /** Parent of the run's temporary directory; default the OS temp directory. */
  temporaryDirectory?: string;
  /** Overrides the factory's gap between starts (`scenarioOptions.startGapMs`); 0 starts all at once. */
  startGapMs?: number;
  /** Sees the server's requests, the world and every process (validate/'s recorder). */
  observer?: RunObserver;
  /** How long each call may take; default DEFAULT_REPLY_TIMEOUT (SCENARIO_LIMITS.replyTimeoutMs). */
  replyTimeout?: ReplyTimeout;
  /**
   * Faults queued on the token server before the first call (server/README.md), taken in order by the first
   * refreshes of the run: `reset-without-rotate:5` makes the first five meet a reset connection (the issue's
   * "error sending request"). `--fault` on the command line.
   */
  serverFaults?: readonly FaultSpec[];
}

/**
 * Starts every process, at once unless the factory asks for a gap between starts (Codex 0.139 can crash when
 * two initialise one fresh CODEX_HOME together). Resolves with the started ones and the first problem.
 */
async function startProcesses(
  factory: ProcessFactory,
  count: number,
  request: { codexHome: string; tokenUrl: string; replyTimeout?: ReplyTimeout },
  setup: StressWorldSetup,
): Promise<{ processes: DriverProcess[]; problem: string | null }> {
  const gapMs = setup.startGapMs ?? factory.scenarioOptions?.startGapMs ?? 0;
  const spawnOne = async (index: number) => {
    const name = processLabel(index);
    // Each process POSTs to a token URL naming it, so the server's records say who sent what.
    const tokenUrl = senderUrl(request.tokenUrl, name);
    const started = await factory.spawn({ ...request, tokenUrl, name });
    const process = started.ok && setup.observer ? setup.observer.started(name, started.driver) : null;
    return started.ok
      ? { process: process ?? started.driver, problem: null }
      : { process: null, problem: `${name} did not start (${started.error.kind}): ${started.error.message}` };
  };
  const indexes = Array.from({ length: count }, (_, index) => index);
  let outcomes: Awaited<ReturnType<typeof spawnOne>>[];
  if (gapMs === 0) outcomes = await Promise.all(indexes.map(spawnOne));
  else {
    outcomes = [];
    for (const index of indexes) {
      if (index > 0) await sleep(gapMs);
      outcomes.push(await spawnOne(index));
    }
  }
  const processes = outcomes.flatMap((outcome) => (outcome.process === null ? [] : [outcome.process]));
  const problem = outcomes.find((outcome) => outcome.problem !== null)?.problem ?? null;
  return { processes, problem };
}

/** Waits until a "stale after" fixture is stale; a problem when the processes started too late for it. */
async function untilStale(staleAtMs: number): Promise<string | null> {
  const remainingMs = staleAtMs - Date.now();
  if (remainingMs <= 0) {
    return `set-up too slow: the processes had not all started when the fixture turned stale (startAllowanceMs ${STRESS_LIMITS.startAllowanceMs} per process)`;
  }
  await sleep(remainingMs + STRESS_LIMITS.staleMarginMs);
  return null;
}

/** Failing I/O (no temp directory, no port, a process that does not start) is a result; all is torn down. */
export async function openStressWorld(
  factory: ProcessFactory,
  settings: StressSettings,
  setup: StressWorldSetup = {},
): Promise<OpenStressWorld> {
  let root: string | null = null;
  let server: TokenServer | null = null;
  let processes: DriverProcess[] = [];
  let rejections = 0;
  const close = async () => {
    await setup.observer?.closing();
    // exit() never rejects (it kills after the exit timeout); allSettled keeps that true for any factory.
    await Promise.allSettled(processes.map((process) => process.exit()));
    try {
      await server?.close();
    } finally {
      if (root !== null) await rm(root, { recursive: true, force: true });
    }
  };
  try {
    root = await mkdtemp(join(setup.temporaryDirectory ?? tmpdir(), "authrace-stress-"));
    // The server's clock runs 9 days behind while it mints a stale fixture's family, then on time.
    const freshMs = freshFixtureMs(factory, settings.processes);
    let clockBehindMs = freshMs === null ? LOGIN_AGE_MS : 0;
    server = await startTokenServer({
      now: () => Date.now() - clockBehindMs,
      revokeFamilyOnReuse: true,
      accessTokenStyle: "jwt",
      accessTokenTtlSeconds: settings.tokenTtlSeconds,
      responseDelayMs: settings.serverDelayMs,
      faults: setup.serverFaults ?? [],
      limits: {
        familiesMax: STRESS_LIMITS.reloginsMax + 1,
        // Every call may POST: the largest run must be recorded whole.
        recordedRequestsMax: STRESS_LIMITS.processesMax * STRESS_LIMITS.callsMax,
      },
      onRequest: (record) => {
        if (record.status === 401) rejections += 1;
        setup.observer?.onRequest(record);
      },
    });
    const codexHome = join(root, "home", ".codex");
    await mkdir(codexHome, { recursive: true });
    const authFile = authJsonPath(codexHome);
    const family = server.createFamily(freshMs === null ? {} : { firstAccessToken: "opaque" });
    clockBehindMs = 0;
    const writtenAtMs = Date.now();
    const lastRefreshMs =
      freshMs === null ? writtenAtMs - LOGIN_AGE_MS : writtenAtMs - TOKEN_REFRESH_INTERVAL_MS + freshMs;
    await writeFamilyAuthJson(authFile, family, lastRefreshMs, "replace");
    setup.observer?.opened({ server, codexHome });
    const { replyTimeout } = setup;
    const request = {
      codexHome,
      tokenUrl: server.tokenUrl,
      ...(replyTimeout === undefined ? {} : { replyTimeout }),
    };
    const started = await startProcesses(factory, settings.processes, request, setup);
    processes = started.processes;
    const problem = started.problem ?? (freshMs === null ? null : await untilStale(writtenAtMs + freshMs));
    if (problem !== null) {
      await close();
      return { ok: false, problem };
    }
    return { ok: true, world: { server, rejections: () => rejections, root, authFile, processes, close } };
  } catch (error) {
    await close();
    return { ok: false, problem: `cannot set up the run: ${error instanceof Error ? error.message : error}` };
  }
}
