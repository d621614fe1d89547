/**
 * The driver's JSON-line protocol (docs/driver-protocol.md): one request per stdin line, one reply per stdout line,
 * matched by id. Shared by the driver program and its client.
 */

export const DRIVER_COMMANDS = ["auth", "refresh", "unauthorized", "cached", "exit"] as const;
export type DriverCommand = (typeof DRIVER_COMMANDS)[number];

/** A request line longer than this is refused (a named limit, not a silent truncation). */
export const REQUEST_LINE_BYTES_MAX = 4096;

export interface DriverRequest {
  id: number;
  cmd: DriverCommand;
}

/** The cached auth as the driver reports it. Tokens are whole: this is the data channel, not a log. */
export interface DriverAuth {
  accessToken: string;
  refreshToken: string;
  accountId: string | null;
  poisoned: boolean;
}

export interface DriverTraceEvent {
  event: string;
  detail?: string;
}

export interface DriverError {
  /** A manager error kind, "bad-request" from the driver, or "driver-*" from the client (docs/driver-protocol.md). */
  kind: string;
  reason?: string;
  message: string;
}

export type DriverReply =
  | { id: number; ok: true; auth: DriverAuth | null; trace: DriverTraceEvent[]; refreshError?: DriverError }
  | { id: number | null; ok: false; error: DriverError; auth: DriverAuth | null; trace: DriverTraceEvent[] };

export interface DriverReady {
  ready: true;
  name: string;
  variant: string;
  /** The reference driver started with --mutant: the rule-broken manager it holds (variant is its base). */
  mutant?: string;
  pid: number;
}

export type RequestParse =
  | { ok: true; request: DriverRequest }
  | { ok: false; id: number | null; message: string };

function isCommand(value: unknown): value is DriverCommand {
  return typeof value === "string" && (DRIVER_COMMANDS as readonly string[]).includes(value);
}

export function parseRequest(line: string): RequestParse {
  if (Buffer.byteLength(line) > REQUEST_LINE_BYTES_MAX) {
    return {
      ok: false,
      id: null,
      message: `request over ${REQUEST_LINE_BYTES_MAX} bytes (REQUEST_LINE_BYTES_MAX)`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { ok: false, id: null, message: "request is not JSON" };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, id: null, message: "request is not a JSON object" };
  }
  const { id, cmd } = json as Record<string, unknown>;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) {
    return { ok: false, id: null, message: "request id must be an integer" };
  }
  if (!isCommand(cmd)) return { ok: false, id, message: `cmd must be one of ${DRIVER_COMMANDS.join(", ")}` };
  return { ok: true, request: { id, cmd } };
}

export function badRequestReply(id: number | null, message: string): DriverReply {
  return { id, ok: false, error: { kind: "bad-request", message }, auth: null, trace: [] };
}
