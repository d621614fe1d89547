/**
 * The driver's command loop: reads request lines, runs each on the one auth manager, writes one reply line per
 * request. Commands run as they arrive (so two in-flight commands of one process can race, as two Codex
 * threads would); `exit` waits for the in-flight ones, replies, and ends the loop.
 */
import { createInterface } from "node:readline";
import type { AuthResult, CachedAuth, CallOptions, ManagerError, TraceEvent } from "../manager/types.js";
import type { Snapshot } from "../storage/index.js";
import {
  badRequestReply,
  type DriverAuth,
  type DriverError,
  type DriverReply,
  type DriverRequest,
  type DriverTraceEvent,
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
  manager: ServedManager;
  input: NodeJS.ReadableStream;
  /** Writes one line (without its newline). */
  writeLine: (line: string) => void;
  /** Diagnostics for stderr; already redacted. */
  log: (line: string) => void;
}

function driverAuth(snapshot: Snapshot | null, poisoned: boolean): DriverAuth | null {
  if (snapshot === null) return null;
  const { accessToken, refreshToken, accountId } = snapshot.tokens;
  return { accessToken, refreshToken, accountId, poisoned };
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
): DriverReply {
  if (!result.ok) {
    const cached = manager.cached();
    return {
      id,
      ok: false,
      error: driverError(result.error),
      auth: driverAuth(cached.snapshot, cached.poisoned),
      trace,
    };
  }
  const auth = driverAuth(result.snapshot, result.poisoned);
  if (result.refreshError === undefined) return { id, ok: true, auth, trace };
  return { id, ok: true, auth, trace, refreshError: driverError(result.refreshError) };
}

async function runCommand(request: DriverRequest, options: ServeOptions): Promise<DriverReply> {
  const { manager } = options;
  const trace: DriverTraceEvent[] = [];
  const callOptions = {
    trace: (event: TraceEvent) =>
      trace.push(
        event.detail === undefined ? { event: event.event } : { event: event.event, detail: event.detail },
      ),
  };
  let result: AuthResult;
  switch (request.cmd) {
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
      return { id: request.id, ok: true, auth: driverAuth(cached.snapshot, cached.poisoned), trace };
    }
    case "exit":
      throw new Error("exit is handled by the loop");
  }
  if (!result.ok) options.log(`${request.cmd} failed: ${result.error.kind}: ${result.error.message}`);
  else if (result.refreshError) options.log(`Failed to refresh token: ${result.refreshError.message}`);
  return replyFor(request.id, manager, result, trace);
}

/** Resolves with the exit code once `exit` was answered or stdin ended and every command replied. */
export async function serve(options: ServeOptions): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  const lines = createInterface({ input: options.input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === "") continue;
    const parsed = parseRequest(line);
    if (!parsed.ok) {
      options.writeLine(JSON.stringify(badRequestReply(parsed.id, parsed.message)));
      continue;
    }
    const { request } = parsed;
    if (request.cmd === "exit") {
      await Promise.all(inFlight);
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
    const task = runCommand(request, options).then((reply) => options.writeLine(JSON.stringify(reply)));
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
  }
  await Promise.all(inFlight);
  return 0;
}
