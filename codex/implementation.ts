/**
 * `--impl codex:<version>` (and `codex:<path>`, a local binary: codex/local.ts) for any real-process run: parses
 * the name, fetches the binary (cached) or checks the local one, and is a `ProcessFactory` (scenarios/implementation.ts) that spawns `DriverProcess`es on a caller's CODEX_HOME and
 * token server, each in its own network namespace where `unshare -n` works. One bridge per token server port
 * is shared by all processes of the run.
 *
 *   const prepared = await prepareCodexImplementation("codex:0.117.0");
 *   if (!prepared.ok) fail(prepared.failure.message);
 *   const result = await runScenario("stale-cache", prepared.implementation);
 *   ...
 *   await prepared.implementation.close();
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Variant } from "../model/vocabulary.js";
import type { BinaryFailure, ProcessFactory, ScenarioOptions, SpawnRequest } from "../scenarios/index.js";
import type { NetworkSetup, ProcessFailure } from "./app-server.js";
import { type SpawnCodexResult, spawnCodexDriver } from "./driver.js";
import { type CodexBinary, type FetchFailure, type FetchOptions, fetchCodex } from "./fetch.js";
import { CODEX_LIMITS } from "./limits.js";
import { checkLocalBinary } from "./local.js";
import { type Bridge, probeNetworkNamespace, startBridge } from "./netns.js";
import { variantForVersion } from "./versions.js";

const CODEX_IMPLEMENTATION_PREFIX = "codex:";

/** What follows `codex:` (a version, or a binary's path), or null when the name is not a Codex implementation. */
export function codexVersionOf(implementation: string): string | null {
  return implementation.startsWith(CODEX_IMPLEMENTATION_PREFIX)
    ? implementation.slice(CODEX_IMPLEMENTATION_PREFIX.length)
    : null;
}

/**
 * What the scenarios need set up differently for a real app-server:
 * - startup refreshes an auth.json that is already stale (a second AuthManager loads cloud requirements), so
 *   the fixture is fresh at startup and turns stale 6 s later (`last_refresh` = now - 8 days + 6 s): time for
 *   two startups and B's first answer on a busy 2-core machine;
 * - everyone is asked again: legacy re-sends the dead R0 on every call, a poisoned loser (0.117+) adopts R1;
 * - the server holds answers 1 s in races: app-server's reload and POST take longer than the reference's;
 * - starts are `startGapMs` apart (0.139 can crash when two initialise one fresh CODEX_HOME at once);
 * - a failed run keeps its directory: the processes' stderr logs are the only trace of what Codex did.
 */
export const CODEX_SCENARIO_OPTIONS: Readonly<Partial<ScenarioOptions>> = {
  staleAfterMs: 6_000,
  askAgain: true,
  raceResponseDelayMs: 1_000,
  startGapMs: CODEX_LIMITS.startGapMs,
  keepFilesOnFailure: true,
};

export interface CodexSpawnRequest extends SpawnRequest {
  /** Where the stderr log goes; default `<parent of codexHome>/codex-logs`. */
  logsDirectory?: string;
}

export interface CodexImplementation extends ProcessFactory {
  /** `codex:0.117.0`, or `codex:/path/to/codex` for a local binary */
  readonly name: string;
  readonly binary: CodexBinary;
  /** The model variant this version mirrors (a local binary: the one it was given); null for none. */
  readonly variant: Variant | null;
  readonly scenarioOptions: Readonly<Partial<ScenarioOptions>>;
  /** How processes are kept on loopback. */
  readonly network: string;
  spawn(request: CodexSpawnRequest): Promise<SpawnCodexResult>;
  /** Crashes of its processes since the last call, each with the binary's stderr line. */
  takeBinaryFailures(): Omit<BinaryFailure, "attempt">[];
  /** Closes the bridges (the processes are the caller's to exit). */
  close(): Promise<void>;
}

export type PrepareResult =
  | { ok: true; implementation: CodexImplementation }
  | { ok: false; failure: FetchFailure };

export interface PrepareOptions extends FetchOptions {
  /** `auto` (default): a network namespace per process where `unshare -n` works; `loopback-config`: never. */
  network?: "auto" | "loopback-config";
}

export async function prepareCodexImplementation(
  implementation: string,
  options: PrepareOptions = {},
): Promise<PrepareResult> {
  const version = codexVersionOf(implementation) ?? implementation;
  const fetched = await fetchCodex(version, options);
  if (!fetched.ok) return fetched;
  const name = `${CODEX_IMPLEMENTATION_PREFIX}${version}`;
  const variant = variantForVersion(fetched.binary.version);
  return { ok: true, implementation: await codexImplementation(fetched.binary, name, variant, options) };
}

/**
 * A binary given by path (codex/local.ts): checked to answer `--version`, used where it is, judged by
 * `design` (a local build's version says nothing about which design it follows); null: no expectation.
 */
export async function prepareLocalCodexImplementation(
  path: string,
  design: Variant | null,
  options: PrepareOptions = {},
): Promise<PrepareResult> {
  const checked = await checkLocalBinary(path, options.versionCheckTimeoutMs);
  if (!checked.ok) return checked;
  const name = `${CODEX_IMPLEMENTATION_PREFIX}${path}`;
  return { ok: true, implementation: await codexImplementation(checked.binary, name, design, options) };
}

async function codexImplementation(
  binary: CodexBinary,
  name: string,
  variant: Variant | null,
  options: PrepareOptions,
): Promise<CodexImplementation> {
  const namespace =
    options.network === "loopback-config"
      ? { available: false as const, reason: "not asked for" }
      : await probeNetworkNamespace();
  // Promises, not bridges: processes started at once ask for the same port's bridge together.
  const bridges = new Map<number, Promise<Bridge>>();
  let socketDirectory: string | null = null;
  let crashes: Omit<BinaryFailure, "attempt">[] = [];
  const crashed = (process: string, stage: BinaryFailure["stage"], failure: Omit<ProcessFailure, "kind">) =>
    crashes.push({ process, stage, stderrLine: failure.stderrLine ?? "", message: failure.message });
  const networkFor = async (tokenUrl: string): Promise<NetworkSetup> => {
    if (!namespace.available) return { mode: "loopback-config" };
    const port = Number(new URL(tokenUrl).port);
    let bridge = bridges.get(port);
    if (!bridge) {
      socketDirectory ??= mkdtempSync(join(tmpdir(), "authrace-codex-bridge-"));
      bridge = startBridge(join(socketDirectory, `${port}.sock`), port);
      bridges.set(port, bridge);
    }
    return { mode: "namespace", socketPath: (await bridge).socketPath, tokenServerPort: port };
  };
  return {
    name,
    binary,
    variant,
    scenarioOptions: CODEX_SCENARIO_OPTIONS,
    network: namespace.available
      ? "each app-server in its own network namespace (unshare -n, lo only), token server via relay"
      : `config.toml only (${namespace.reason})`,
    async spawn(request) {
      const started = await spawnCodexDriver({
        binaryPath: binary.binaryPath,
        codexHome: request.codexHome,
        name: request.name,
        tokenUrl: request.tokenUrl,
        network: await networkFor(request.tokenUrl),
        onCrash: (failure) => crashed(request.name, "call", failure),
        ...(request.logsDirectory === undefined ? {} : { logsDirectory: request.logsDirectory }),
      });
      if (!started.ok && started.error.kind === "crash") crashed(request.name, "start", started.error);
      return started;
    },
    takeBinaryFailures() {
      const taken = crashes;
      crashes = [];
      return taken;
    },
    async close() {
      const opened = await Promise.allSettled(bridges.values());
      await Promise.all(
        opened.map((bridge) => (bridge.status === "fulfilled" ? bridge.value.close() : null)),
      );
      bridges.clear();
      if (socketDirectory) rmSync(socketDirectory, { recursive: true, force: true });
    },
  };
}
