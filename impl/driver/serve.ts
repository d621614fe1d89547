/**
 * The driver's command loop: reads request lines, runs each on the one auth manager, writes one reply line per
 * request. Commands run as they arrive (so two in-flight commands of one process can race, as two Codex
 * threads would); `exit` waits for the in-flight ones, replies, and ends the loop.
 *
 * Held mode: control lines (`release`, `clock`) go to HeldMode as they arrive, even while the manager is still
 * loading (its construction read is held, so the loop runs before the ready line); `exit` and the end of stdin
 * end the loop at once, since a held call moves only when released and nobody will release it any more.
 * `reset` drops the manager and its calls in flight (their replies are never written) and loads a new one.
 */
import { createInterface } from "node:readline";
import type { AuthResult, CachedAuth, CallOptions, ManagerError, TraceEvent } from "../manager/types.js";
import type { AuthPorts } from "../ports/types.js";
import type { Snapshot } from "../storage/index.js";
import { runAccountCommand } from "./account.js";
import type { HeldMode } from "./held.js";
import {
  badRequestReply,
  type DriverAuth,
  type DriverError,
  type DriverReply,
  type DriverRequest,
  type DriverTraceEvent,
  parseHeldControl,
  parseRequest,
} from "./protocol.js";

/** Commands running at once in one driver; more are refused with a bad-request reply. */
export const COMMANDS_IN_FLIGHT_MAX = 64;

/**
 * What the loop needs of a manager: authrace's AuthManager as it is, or a module's manager (impl/plugin) behind
 * an adapter that drops the options, since the plugin interface takes none (its replies then have no trace).
 */
export interface ServedManager {
  auth(options: CallOptions): Promise<AuthResult>;
  refreshToken(options: CallOptions): Promise<AuthResult>;
  unauthorized(options: CallOptions): Promise<AuthResult>;
  cached(): CachedAuth;
}

export interface ServeOptions {
  /** The manager once loaded; null while it loads (held mode only: requests then get bad-request). */
  manager: () => ServedManager | null;
  /**
   * `--managers <n>`: managers 1 to n-1, which requests reach by their `manager` field (0, or none, is
   * `manager()`). Each has its own cache, in-process mutex and ports, as Codex's second AuthManager does.
   */
  otherManagers?: readonly ServedManager[];
  /** Held mode: control lines, and `lastRefresh` in every `auth`. */
  held?: HeldMode;
  input: NodeJS.ReadableStream;
  /** Writes one line (without its newline). */
  writeLine: (line: string) => void;
  /** Diagnostics for stderr; already redacted. */
  log: (line: string) => void;
  /** The ports `login` and `logout` use: a set of their own (held in held mode). */
  /** The ports logins and logouts write through (those of the current CODEX_HOME: a reset changes it). */
  accountPorts: () => AuthPorts;
}

function driverAuth(snapshot: Snapshot | null, poisoned: boolean, held: boolean): DriverAuth | null {
  if (snapshot === null) return null;
  const { accessToken, refreshToken, accountId } = snapshot.tokens;
  const auth: DriverAuth = { accessToken, refreshToken, accountId, poisoned };
  if (held) auth.lastRefresh = snapshot.lastRefresh;
  return auth;
}

function driverError(error: ManagerError): DriverError {
  return error.reason === undefined
    ? { kind: error.kind, message: error.message }
    : { kind: error.kind, reason: error.reason, message: error.message };
}

function replyFor(
  id: number,
  manager: ServedManager,
  result: AuthResult,
  trace: DriverTraceEvent[],
  held: boolean,
): DriverReply {
  if (!result.ok) {
    const cached = manager.cached();
    return {
      id,
      ok: false,
      error: driverError(result.error),
      auth: driverAuth(cached.snapshot, cached.poisoned, held),
      trace,
    };
  }
  const auth = driverAuth(result.snapshot, result.poisoned, held);
  if (result.refreshError === undefined) return { id, ok: true, auth, trace };
  return { id, ok: true, auth, trace, refreshError: driverError(result.refreshError) };
}

async function runCommand(
  request: DriverRequest,
  manager: ServedManager,
  options: ServeOptions,
): Promise<DriverReply> {
  const held = options.held !== undefined;
  const trace: DriverTraceEvent[] = [];
  const callOptions = {
    trace: (event: TraceEvent) =>
      trace.push(
        event.detail === undefined ? { event: event.event } : { event: event.event, detail: event.detail },
      ),
  };
  let result: AuthResult;
  switch (request.cmd) {
    case "login":
    case "logout": {
      const done = await runAccountCommand(request, options.accountPorts(), trace);
      const cached = manager.cached();
      const auth = driverAuth(cached.snapshot, cached.poisoned, held);
      if (done.ok) return { id: request.id, ok: true, auth, trace };
      options.log(done.message);
      return {
        id: request.id,
        ok: false,
        error: { kind: `${request.cmd}-failed`, message: done.message },
        auth,
        trace,
      };
    }
    case "auth":
      result = await manager.auth(callOptions);
      break;
    case "refresh":
      result = await manager.refreshToken(callOptions);
      break;
    case "unauthorized":
      result = await manager.unauthorized(callOptions);
      break;
    case "cached": {
      const cached = manager.cached();
      return { id: request.id, ok: true, auth: driverAuth(cached.snapshot, cached.poisoned, held), trace };
    }
    case "exit":
      throw new Error("exit is handled by the loop");
  }
  if (!result.ok) options.log(`${request.cmd} failed: ${result.error.kind}: ${result.error.message}`);
  else if (result.refreshError) options.log(`Failed to refresh token: ${result.refreshError.message}`);
  return replyFor(request.id, manager, result, trace, held);
}

/**
 * A held-mode control line: "none" when the line is not one, else whether it was applied (or refused with a
 * bad-request reply), and whether it was a `reset` (the calls in flight were dropped with their manager).
 */
function controlled(line: string, options: ServeOptions): "none" | "applied" | "reset" {
  if (options.held === undefined) return "none";
  const control = parseHeldControl(line);
  if (control === null) return "none";
  const refusal = typeof control === "string" ? control : options.held.apply(control);
  if (refusal !== null) options.writeLine(JSON.stringify(badRequestReply(null, refusal)));
  return refusal === null && typeof control !== "string" && control.cmd === "reset" ? "reset" : "applied";
}

/** The manager a request names (its `manager` field, default 0), or why there is none to run it. */
function chosenManager(request: DriverRequest, options: ServeOptions): ServedManager | string {
  const index = request.manager ?? 0;
  if (index > 0) {
    const count = 1 + (options.otherManagers?.length ?? 0);
    return (
      options.otherManagers?.[index - 1] ?? `no manager ${index}: this process holds ${count} (--managers)`
    );
  }
  return options.manager() ?? "the manager is still loading (wait for the ready line)";
}

/**
 * Resolves with the exit code once `exit` was answered or stdin ended and every command replied (held mode:
 * without waiting for commands in flight).
 */
export async function serve(options: ServeOptions): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  const lines = createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const control = controlled(line, options);
    // A reset drops the calls in flight with their manager: they never reply (see the generation check below).
    if (control === "reset") inFlight.clear();
    if (control !== "none") continue;
    const parsed = parseRequest(line);
    if (!parsed.ok) {
      options.writeLine(JSON.stringify(badRequestReply(parsed.id, parsed.message)));
      continue;
    }
    const { request } = parsed;
    if (request.cmd === "exit") {
      if (options.held === undefined) await Promise.all(inFlight);
      options.writeLine(
        JSON.stringify({ id: request.id, ok: true, auth: null, trace: [] } satisfies DriverReply),
      );
      lines.close();
      return 0;
    }
    if (inFlight.size >= COMMANDS_IN_FLIGHT_MAX) {
      const message = `${inFlight.size} commands in flight (COMMANDS_IN_FLIGHT_MAX)`;
      options.writeLine(JSON.stringify(badRequestReply(request.id, message)));
      continue;
    }
    const manager = chosenManager(request, options);
    if (typeof manager === "string") {
      options.writeLine(JSON.stringify(badRequestReply(request.id, manager)));
      continue;
    }
    const generation = options.held?.generation;
    const task = runCommand(request, manager, options).then((reply) => {
      if (options.held !== undefined && options.held.generation !== generation) return; // dropped by a reset
      options.writeLine(JSON.stringify(reply));
    });
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }
  if (options.held === undefined) await Promise.all(inFlight);
  return 0;
}
