/**
 * The driver's JSON-line protocol (docs/driver-protocol.md): one request per stdin line, one reply per stdout line,
 * matched by id. Shared by the driver program and its client. Held mode (`--held`) adds events announcing each
 * port call before it happens and control lines (`release`, `clock`) that carry no id and get no reply.
 */
import { HELD_KINDS, type HeldKind } from "../ports/held.js";
import type { DiskChange, PermanentReason, RefreshResult, TransientCause } from "../ports/types.js";
import { parseIdToken } from "../storage/index.js";

export const DRIVER_COMMANDS = [
  "auth",
  "refresh",
  "unauthorized",
  "cached",
  "login",
  "logout",
  "exit",
] as const;
export type DriverCommand = (typeof DRIVER_COMMANDS)[number];

/** The tokens a `login` writes to auth.json, whole (this is the data channel). */
export interface LoginTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  accountId: string;
}

/** A request line longer than this is refused (a named limit, not a silent truncation). */
export const REQUEST_LINE_BYTES_MAX = 4096;

/**
 * One request. `login` and `logout` act on auth.json as `codex login` / `codex logout` do (another process's
 * login, as in the model's world events); `underLock`: take the auth.json lock around the write, as the designs
 * with a file lock expect every writer to (the harness decides, from the model's `usesFileLock`).
 */
export type DriverRequest = (
  | { id: number; cmd: Exclude<DriverCommand, "login" | "logout"> }
  | { id: number; cmd: "login"; tokens: LoginTokens; underLock: boolean }
  | { id: number; cmd: "logout"; underLock: boolean }
) & {
  /**
   * Which manager of a driver started with `--managers <n>` runs the command: 0 to n-1; absent means 0. A login
   * or logout writes auth.json the same whichever is named; the reply carries that manager's cache.
   */
  manager?: number;
};

/** The cached auth as the driver reports it. Tokens are whole: this is the data channel, not a log. */
export interface DriverAuth {
  accessToken: string;
  refreshToken: string;
  accountId: string | null;
  poisoned: boolean;
  /** Held mode only: the snapshot's `last_refresh` (RFC 3339, or null), so the harness can judge staleness. */
  lastRefresh?: string | null;
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
  /** Started with --held: every port call is announced and waits for `release`. */
  held?: true;
  /** Started with `--managers <n>` above 1: how many managers the process holds (requests name one). */
  managers?: number;
  /**
   * Held mode: the program takes `{"cmd":"reset","home":...}` (a new manager on a fresh CODEX_HOME, as if just
   * started), so one process serves many runs.
   */
  reset?: true;
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
  const { id, cmd, manager } = json as Record<string, unknown>;
  if (typeof id !== "number" || !Number.isSafeInteger(id)) {
    return { ok: false, id: null, message: "request id must be an integer" };
  }
  if (!isCommand(cmd)) return { ok: false, id, message: `cmd must be one of ${DRIVER_COMMANDS.join(", ")}` };
  if (
    manager !== undefined &&
    !(typeof manager === "number" && Number.isSafeInteger(manager) && manager >= 0)
  ) {
    return { ok: false, id, message: "manager must be a non-negative integer" };
  }
  const parsed =
    cmd === "login" || cmd === "logout"
      ? parseAccountRequest(id, cmd, json as Record<string, unknown>)
      : ({ ok: true, request: { id, cmd } } as const);
  if (!parsed.ok || manager === undefined) return parsed;
  return { ok: true, request: { ...parsed.request, manager } };
}

const LOGIN_TOKEN_FIELDS = ["idToken", "accessToken", "refreshToken", "accountId"] as const;

function parseAccountRequest(
  id: number,
  cmd: "login" | "logout",
  json: Record<string, unknown>,
): RequestParse {
  const { underLock, tokens } = json;
  if (typeof underLock !== "boolean")
    return { ok: false, id, message: `${cmd}: underLock must be a boolean` };
  if (cmd === "logout") return { ok: true, request: { id, cmd, underLock } };
  if (typeof tokens !== "object" || tokens === null)
    return { ok: false, id, message: "login: tokens missing" };
  const fields = tokens as Record<string, unknown>;
  for (const field of LOGIN_TOKEN_FIELDS) {
    const value = fields[field];
    if (typeof value !== "string" || value === "") {
      return { ok: false, id, message: `login: tokens.${field} must be a non-empty string` };
    }
  }
  const checked = fields as unknown as LoginTokens;
  const idToken = parseIdToken(checked.idToken);
  if (!idToken.ok)
    return { ok: false, id, message: `login: tokens.idToken is not a JWT (${idToken.problem})` };
  const { idToken: raw, accessToken, refreshToken, accountId } = checked;
  return {
    ok: true,
    request: { id, cmd, tokens: { idToken: raw, accessToken, refreshToken, accountId }, underLock },
  };
}

export function badRequestReply(id: number | null, message: string): DriverReply {
  return { id, ok: false, error: { kind: "bad-request", message }, auth: null, trace: [] };
}

/** receiveResponse in a held event: what the token endpoint answered, without the tokens. */
export type HeldResponse =
  | { kind: "ok"; status: number }
  | { kind: "permanent"; status: number; code: string | null; reason: PermanentReason }
  | { kind: "transient"; status: number | null; cause: TransientCause };

/** `{"held":{...}}`: a port call about to happen, waiting for `{"cmd":"release","seq":n}`. */
export interface HeldEvent {
  /** 1, 2, ... per process; the construction read of auth.json is 1. */
  seq: number;
  kind: HeldKind;
  /** writeDisk: the write mode, or "remove" (a logout) */
  mode?: DiskChange;
  /** sendRefresh: whole (this is the data channel). */
  refreshToken?: string;
  /** sendRequest: the access token the API request carries, whole. */
  accessToken?: string;
  /** receiveResponse */
  response?: HeldResponse;
}

export type HeldControl =
  | { cmd: "release"; seq: number }
  | { cmd: "clock"; nowMs: number }
  /** Back to the construction state on `home`: every held call and call in flight dropped, seq and clock 0. */
  | { cmd: "reset"; home: string };

export function heldResponse(result: RefreshResult): HeldResponse {
  if (result.ok) return { kind: "ok", status: result.status };
  const { failure } = result;
  if (failure.kind === "permanent") {
    return { kind: "permanent", status: failure.status, code: failure.code, reason: failure.reason };
  }
  return { kind: "transient", status: failure.status, cause: failure.cause };
}

const PERMANENT_REASONS: readonly PermanentReason[] = ["expired", "exhausted", "revoked", "other"];
const TRANSIENT_CAUSES: readonly TransientCause[] = ["network", "timeout", "decode", "status"];
const DISK_CHANGES: readonly DiskChange[] = ["in-place", "atomic", "remove"];

function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (list as readonly string[]).includes(value);
}

function isStatus(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 100 && value <= 599;
}

function parseHeldResponse(value: unknown): HeldResponse | null {
  if (typeof value !== "object" || value === null) return null;
  const { kind, status, code, reason, cause } = value as Record<string, unknown>;
  if (kind === "ok") return isStatus(status) ? { kind, status } : null;
  if (kind === "permanent") {
    const codeOk = code === null || typeof code === "string";
    return isStatus(status) && codeOk && isOneOf(PERMANENT_REASONS, reason)
      ? { kind, status, code: code as string | null, reason }
      : null;
  }
  if (kind === "transient") {
    return (status === null || isStatus(status)) && isOneOf(TRANSIENT_CAUSES, cause)
      ? { kind, status, cause }
      : null;
  }
  return null;
}

/** The `held` member of an event line, checked field by field; a string says what is wrong. */
export function parseHeldEvent(value: unknown): HeldEvent | string {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "held is not an object";
  const { seq, kind, mode, refreshToken, accessToken, response } = value as Record<string, unknown>;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1)
    return "held.seq is not a positive integer";
  if (!isOneOf(HELD_KINDS, kind)) return `held.kind must be one of ${HELD_KINDS.join(", ")}`;
  if (kind === "writeDisk") {
    return isOneOf(DISK_CHANGES, mode) ? { seq, kind, mode } : "held writeDisk without a valid mode";
  }
  if (kind === "sendRefresh") {
    return typeof refreshToken === "string" && refreshToken !== ""
      ? { seq, kind, refreshToken }
      : "held sendRefresh without its refreshToken";
  }
  if (kind === "sendRequest") {
    return typeof accessToken === "string" && accessToken !== ""
      ? { seq, kind, accessToken }
      : "held sendRequest without its accessToken";
  }
  if (kind === "receiveResponse") {
    const parsed = parseHeldResponse(response);
    return parsed === null
      ? "held receiveResponse without a valid response"
      : { seq, kind, response: parsed };
  }
  return { seq, kind };
}

/**
 * A held-mode control line (`release`, `clock`), or null when the line is not one (then it is a request).
 * A malformed control line is a string saying what is wrong.
 */
export function parseHeldControl(line: string): HeldControl | string | null {
  if (Buffer.byteLength(line) > REQUEST_LINE_BYTES_MAX) return null;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
  const { cmd, seq, nowMs, home } = json as Record<string, unknown>;
  if (cmd === "release") {
    return typeof seq === "number" && Number.isSafeInteger(seq)
      ? { cmd, seq }
      : "release: seq must be an integer";
  }
  if (cmd === "clock") {
    return typeof nowMs === "number" && Number.isSafeInteger(nowMs) && nowMs >= 0
      ? { cmd, nowMs }
      : "clock: nowMs must be a non-negative integer (epoch milliseconds)";
  }
  if (cmd === "reset") {
    return typeof home === "string" && home !== ""
      ? { cmd, home }
      : "reset: home must be a non-empty path (the new CODEX_HOME)";
  }
  return null;
}
