/**
 * The recovery scenario (race R3 of codex-auth.md: "RefreshToken POSTs a snapshot read one request earlier") on
 * a real Codex binary. B is `codex exec`, A the harness acting as another process that shares auth.json:
 *
 *   1. auth.json holds a fresh R0; B starts and caches it (no refresh: it is fresh). B's first model request
 *      arrives at the model API and is held.
 *   2. A rotates R0 -> R1 on the server and saves R1; B's request is answered 401. B's recovery: Reload reads
 *      auth.json against its account (Changed: it adopts R1) and retries. The retry arrives and is held.
 *   3. A rotates R1 -> R2 and saves R2; the retry is answered 401. B's recovery: the RefreshToken step. Where
 *      it POSTs its cached token without reading auth.json again (0.117+: `refresh_token_from_authority`) it
 *      sends R1, which A has rotated out: 401 refresh_token_reused, a stale send. A design that re-reads disk
 *      first would find R2 and send nothing stale. B then sends its next model request.
 *   4. That request is answered 400 (a client error, not retried) and B's turn ends; B exits.
 *
 * Every step waits for B's next model request, at most RECOVERY_LIMITS' time; a B that exits instead ends the
 * story early, and is reported as such (its exit and its last error line). The run's directory (B's log) is
 * kept when the run fails.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { authJsonPath } from "../../impl/storage/index.js";
import type { Variant } from "../../model/vocabulary.js";
import {
  SENDER_PARAMETER,
  startTokenServer,
  type TokenServer,
  writeFamilyAuthJson,
} from "../../server/index.js";
import { type CodexHome, codexConfigToml } from "../home.js";
import { type Bridge, probeNetworkNamespace, type RelayRoute, startBridge } from "../netns.js";
import { type CodexExec, startCodexExec } from "./exec-process.js";
import { type HeldModelRequest, type ModelApi, type NextModelRequest, startModelApi } from "./model-api.js";
import { rotateAndSave } from "./other-process.js";
import { RecoveryRecorder } from "./recorder.js";
import {
  accessTokenView,
  CODEX_PROCESS,
  OTHER_PROCESS,
  type RecoveryReport,
  staleSendsOf,
} from "./report.js";

export const RECOVERY_LIMITS = {
  /** Start -> B's first model request (startup tries plugin sync and model lists first; ~1 s when idle). */
  firstRequestTimeoutMs: 60_000,
  /** A 401 answered -> B's next model request (its recovery step, a POST included). */
  nextRequestTimeoutMs: 30_000,
  /** After the story: model requests answered 400 before B is stopped (0.116-0.171 send none). */
  endRequestsMax: 8,
  /** After the story: waiting for B to exit by itself before it is killed. */
  exitWaitMs: 15_000,
} as const;

/** What B's held requests are answered with. */
const UNAUTHORIZED = { error: { message: "authrace: unauthorized", code: "token_expired" } };
const END = { error: { message: "authrace: the recovery scenario ends here", code: "authrace_end" } };

/** The binary to run and how it is judged. */
export interface RecoveryTarget {
  /** `codex:0.117.0`, or `codex:<path>` for a local binary. */
  name: string;
  binaryPath: string;
  /** The design it is judged by; null: reported without an expectation. */
  variant: Variant | null;
  /** `auto` (default): a network namespace where `unshare -n` works; `loopback-config`: config.toml alone. */
  network?: "auto" | "loopback-config";
  /** Keep the run's directory (B's log) when the run fails; default true. */
  keepFilesOnFailure?: boolean;
}

export type RecoveryRunResult = { ok: true; report: RecoveryReport } | { ok: false; message: string };

/** Everything the run opened, closed in `close` whatever happened. */
interface Setup {
  root: string;
  home: CodexHome;
  server: TokenServer;
  api: ModelApi;
  bridges: Bridge[];
  /** How B is kept on loopback. */
  network: string;
  exec: CodexExec | null;
}

function homeIn(root: string): CodexHome {
  const home = join(root, "home");
  const codexHome = join(home, ".codex");
  const logsDirectory = join(root, "logs");
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(logsDirectory, { recursive: true });
  return { root, home, codexHome, authPath: authJsonPath(codexHome), logsDirectory };
}

function senderUrl(server: TokenServer, sender: string): string {
  return `${server.tokenUrl}?${SENDER_PARAMETER}=${sender}`;
}

async function relayRoutes(setup: Omit<Setup, "exec" | "bridges" | "network">, target: RecoveryTarget) {
  if (target.network === "loopback-config") {
    return { routes: null, bridges: [], network: "config.toml only (not asked for a namespace)" };
  }
  const namespace = await probeNetworkNamespace();
  if (!namespace.available) {
    return { routes: null, bridges: [], network: `config.toml only (${namespace.reason})` };
  }
  const bridges: Bridge[] = [];
  const routes: RelayRoute[] = [];
  for (const port of [setup.server.port, setup.api.port]) {
    const bridge = await startBridge(join(setup.root, `relay-${port}.sock`), port);
    bridges.push(bridge);
    routes.push({ socketPath: bridge.socketPath, port });
  }
  const network =
    "codex exec in its own network namespace (unshare -n, lo only), token server and model API via relay";
  return { routes, bridges, network };
}

/** A held request is answered; B's next one is awaited (or its exit). */
async function answerAndWait(
  setup: Setup & { exec: CodexExec },
  held: HeldModelRequest,
  status: number,
  body: unknown,
  stopped: Promise<string>,
): Promise<NextModelRequest> {
  held.answer(status, body);
  return setup.api.nextModelRequest(RECOVERY_LIMITS.nextRequestTimeoutMs, stopped);
}

function timedOut(next: NextModelRequest, limit: keyof typeof RECOVERY_LIMITS): string | null {
  if (next.ok || next.reason !== "timeout") return null;
  return `${next.problem}: limit ${limit} (${RECOVERY_LIMITS[limit]}) reached`;
}

/** Steps 1-4 of the story; null when they ran (B may have exited early, ending the story there), else why not. */
async function runStory(
  setup: Setup & { exec: CodexExec },
  recorder: RecoveryRecorder,
): Promise<string | null> {
  const { exec, api, server } = setup;
  const stopped = exec.exited.then((exit) => `B exited (code ${exit.code}, signal ${exit.signal})`);
  let next = await api.nextModelRequest(RECOVERY_LIMITS.firstRequestTimeoutMs, stopped);
  await recorder.close("B starts, caches R0", "startup", next.ok ? next.request.record.modelSeq : null);
  // Without a first request there is no recovery to see: a failure, never a verdict.
  if (!next.ok) {
    const late = timedOut(next, "firstRequestTimeoutMs");
    return `B sent no model request: ${late ?? `${next.problem} first (last error: "${exec.lastErrorLine()}")`}`;
  }
  for (const generation of [1, 2]) {
    if (!next.ok) return null;
    const held = next.request;
    const rotated = await rotateAndSave(setup.home.authPath, senderUrl(server, OTHER_PROCESS));
    if (!rotated.ok) return rotated.problem;
    next = await answerAndWait(setup, held, 401, UNAUTHORIZED, stopped);
    const name = `A: R${generation - 1} -> R${generation} saved; B's request ${held.record.modelSeq} -> 401`;
    await recorder.close(name, "rotate", next.ok ? next.request.record.modelSeq : null);
    const slow = timedOut(next, "nextRequestTimeoutMs");
    if (slow !== null) return `B sent no request after a 401: ${slow}`;
  }
  // Step 4: every further model request is refused (400) until B exits or endRequestsMax is reached.
  for (let answered = 0; next.ok && answered < RECOVERY_LIMITS.endRequestsMax; answered += 1) {
    next.request.answer(400, END);
    next = await api.nextModelRequest(RECOVERY_LIMITS.exitWaitMs, stopped);
  }
  if (next.ok) next.request.answer(400, END);
  return null;
}

async function open(target: RecoveryTarget): Promise<Setup> {
  const root = mkdtempSync(join(tmpdir(), "authrace-recovery-"));
  const home = homeIn(root);
  const server = await startTokenServer({ accessTokenStyle: "opaque" });
  const api = await startModelApi();
  writeFileSync(join(home.codexHome, "config.toml"), codexConfigToml(api.url));
  // Fresh: B refreshes nothing at startup, and holds R0 when its first request goes out.
  const family = server.createFamily({ accessToken: "opaque" });
  await writeFamilyAuthJson(home.authPath, family, Date.now(), "replace");
  const { routes, bridges, network } = await relayRoutes({ root, home, server, api }, target);
  const exec = startCodexExec({
    binaryPath: target.binaryPath,
    home,
    tokenUrl: senderUrl(server, CODEX_PROCESS),
    routes,
  });
  return { root, home, server, api, bridges, network, exec };
}

async function close(setup: Setup, keepFiles: boolean): Promise<void> {
  await setup.exec?.stop(0);
  await setup.api.close();
  await setup.server.close();
  await Promise.allSettled(setup.bridges.map((bridge) => bridge.close()));
  if (!keepFiles) rmSync(setup.root, { recursive: true, force: true });
}

export async function runRecovery(target: RecoveryTarget): Promise<RecoveryRunResult> {
  const startedAtMs = Date.now();
  let setup: Setup;
  try {
    setup = await open(target);
  } catch (error) {
    return { ok: false, message: `cannot set up the recovery scenario: ${String(error)}` };
  }
  const exec = setup.exec as CodexExec;
  let failure: string | null = null;
  try {
    const generationOf = (token: string) => {
      const identity = setup.server.identifyToken(token);
      return identity.known ? identity.generation : null;
    };
    const recorder = new RecoveryRecorder(setup.server, setup.api, exec, generationOf);
    failure = await runStory({ ...setup, exec }, recorder);
    const exit = await exec.stop(RECOVERY_LIMITS.exitWaitMs);
    await recorder.close(`B's last request -> 400; B ends`, "end", null);
    if (failure !== null) {
      const kept = target.keepFilesOnFailure === false ? "" : ` (files and B's log kept in ${setup.root})`;
      return { ok: false, message: `${failure}${kept}` };
    }
    const spawnError = (await exec.exited).spawnError;
    if (spawnError !== null) {
      failure = `cannot start ${target.binaryPath}: ${spawnError}`;
      return { ok: false, message: failure };
    }
    const requests = setup.api.requests();
    for (const phase of recorder.phases) {
      if (phase.next)
        phase.next.status = requests.find((r) => r.modelSeq === phase.next?.modelSeq)?.status ?? null;
    }
    const staleSends = staleSendsOf(recorder.phases);
    const report: RecoveryReport = {
      implementation: target.name,
      variant: target.variant,
      network: setup.network,
      phases: recorder.phases,
      staleSends,
      verdict: staleSends === 0 ? "holds" : "violated",
      exit: { ...exit, errorLine: exec.lastErrorLine() },
      requests: requests.map(({ bearer, atMs: _atMs, ...rest }) => ({
        ...rest,
        accessToken: accessTokenView(bearer, generationOf),
      })),
      durationMs: Date.now() - startedAtMs,
    };
    return { ok: true, report };
  } finally {
    await close(setup, failure !== null && target.keepFilesOnFailure !== false);
  }
}
