/**
 * What a scenario runs: a factory that starts named processes holding one auth manager each, all on one
 * CODEX_HOME and one token URL. The reference implementation (authrace's driver, one variant) is built here;
 * codex/implementation.ts's `CodexImplementation` is another, so a real Codex binary runs the same steps.
 */

import type { DriverProcess } from "../impl/driver/client.js";
import { spawnDriver } from "../impl/driver/client.js";
import { managerViews } from "../impl/driver/manager-view.js";
import type { Variant } from "../model/vocabulary.js";
import { SCENARIO_LIMITS } from "./limits.js";
import type { ScenarioOptions } from "./options.js";
import type { BinaryFailure } from "./types.js";

/** A reply timeout and the name of the limit it comes from, so that a timeout names the limit that fired. */
export interface ReplyTimeout {
  ms: number;
  /** `SCENARIO_LIMITS.replyTimeoutMs`, `--reply-timeout-ms`, ... */
  limit: string;
}

/** Every driver command of a scenario or stress run waits this long unless a flag says otherwise. */
export const DEFAULT_REPLY_TIMEOUT: ReplyTimeout = {
  ms: SCENARIO_LIMITS.replyTimeoutMs,
  limit: "SCENARIO_LIMITS.replyTimeoutMs; --reply-timeout-ms changes it",
};

export interface SpawnRequest {
  /** CODEX_HOME holding the shared auth.json. */
  codexHome: string;
  /** `A` or `B`: names the process in replies and logs. */
  name: string;
  /** The token endpoint, `http://127.0.0.1:<port>/oauth/token` (CODEX_REFRESH_TOKEN_URL_OVERRIDE). */
  tokenUrl: string;
  /** How long each command may take; default DEFAULT_REPLY_TIMEOUT. */
  replyTimeout?: ReplyTimeout;
}

/** A driver program's reply-timeout options for `spawnDriver`, from a request. */
export function replyTimeoutOf(request: SpawnRequest): { replyTimeoutMs: number; replyTimeoutLimit: string } {
  const { ms, limit } = request.replyTimeout ?? DEFAULT_REPLY_TIMEOUT;
  return { replyTimeoutMs: ms, replyTimeoutLimit: limit };
}

export type SpawnOutcome =
  | { ok: true; driver: DriverProcess }
  | { ok: false; error: { kind: string; message: string } };

/** Several auth managers in one process, one handle each (`ProcessFactory.spawnManagers`). */
export type SpawnManagersOutcome =
  | { ok: true; drivers: DriverProcess[] }
  | { ok: false; error: { kind: string; message: string } };

export interface ProcessFactory {
  /** `reference:locked`, `codex:0.117.0`, ... */
  readonly name: string;
  /** The variant whose expectations apply; null when the implementation maps to none. */
  readonly variant: Variant | null;
  /**
   * What every scenario needs set up differently for this implementation (over DEFAULT_SCENARIO_OPTIONS): a
   * Codex app-server refreshes a stale auth.json at startup, so it needs a fixture that turns stale later.
   */
  readonly scenarioOptions?: Partial<ScenarioOptions>;
  /** Starts one process; resolves once it has loaded auth.json (its cache) and can take commands. */
  spawn(request: SpawnRequest): Promise<SpawnOutcome>;
  /**
   * Starts ONE process holding one auth manager per name, each with its own cache and in-process mutex (Codex's
   * app-server holds two: race R2), and resolves to one handle per manager, in order, once all have loaded
   * auth.json. Absent where the implementation cannot address its managers one by one (a Codex binary): the
   * scenarios that need it (two-managers) then fail saying so.
   */
  spawnManagers?(request: SpawnRequest, names: readonly string[]): Promise<SpawnManagersOutcome>;
  /**
   * The crashes of its processes since the last call (a real binary's own failures: scenarios/attempts.ts
   * retries such a run instead of judging it); absent for implementations that report none.
   */
  takeBinaryFailures?(): Omit<BinaryFailure, "attempt">[];
}

export const REFERENCE_IMPLEMENTATION_PREFIX = "reference:";

export interface ReferenceOptions {
  /** Program and leading arguments of the driver; default `node dist/impl/driver/main.js`. */
  driverCommand?: readonly string[];
}

/** authrace's own auth manager in `variant`, one driver process (node dist/impl/driver/main.js) per spawn. */
export function referenceImplementation(variant: Variant, options: ReferenceOptions = {}): ProcessFactory {
  const start = (request: SpawnRequest, extraArguments: readonly string[]) =>
    spawnDriver({
      home: request.codexHome,
      variant,
      name: request.name,
      tokenUrl: request.tokenUrl,
      ...replyTimeoutOf(request),
      readyTimeoutMs: SCENARIO_LIMITS.readyTimeoutMs,
      exitTimeoutMs: SCENARIO_LIMITS.exitTimeoutMs,
      extraArguments,
      ...(options.driverCommand === undefined ? {} : { command: options.driverCommand }),
    });
  return {
    name: `${REFERENCE_IMPLEMENTATION_PREFIX}${variant}`,
    variant,
    async spawn(request) {
      const started = await start(request, []);
      return started.ok
        ? { ok: true, driver: started.driver }
        : { ok: false, error: notReady(started.error) };
    },
    async spawnManagers(request, names) {
      const started = await start(request, ["--managers", String(names.length)]);
      if (!started.ok) return { ok: false, error: notReady(started.error) };
      return { ok: true, drivers: managerViews(started.driver, names) };
    },
  };
}

/** A driver that printed no ready line, as a spawn error: its message, with its stderr when it wrote any. */
export function notReady(error: { kind: string; message: string; stderr: string }): {
  kind: string;
  message: string;
} {
  const stderr = error.stderr.trim();
  return { kind: error.kind, message: stderr === "" ? error.message : `${error.message}: ${stderr}` };
}
