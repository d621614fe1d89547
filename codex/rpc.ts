/**
 * JSON-RPC over a child's stdio the way `codex app-server` speaks it: one JSON object per line, no
 * "jsonrpc" field, notifications interleaved with replies, so replies are matched by id. A process that
 * exits while a reply is pending is reported as a crash at once, never waited out as a hang.
 */
import type { ChildProcess } from "node:child_process";
import { CODEX_LIMITS, limitExceeded } from "./limits.js";

export type RpcOutcome =
  | { ok: true; result: unknown }
  | { ok: false; kind: "rpc-error"; message: string; code: number | null }
  | { ok: false; kind: "timeout"; message: string }
  | { ok: false; kind: "crash"; message: string }
  | { ok: false; kind: "protocol"; message: string };

export type RpcFailure = Extract<RpcOutcome, { ok: false }>;

interface Pending {
  method: string;
  resolve: (outcome: RpcOutcome) => void;
  timer: NodeJS.Timeout;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface Message {
  id?: unknown;
  method?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export class JsonLineRpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffer = "";
  private exitInfo: ExitInfo | null = null;
  private protocolProblem: string | null = null;
  /** Method names of notifications seen, in order (bounded), for diagnosis. */
  readonly notifications: string[] = [];

  constructor(
    private readonly child: ChildProcess,
    /** Describes a crash: exit status plus the tail of stderr. */
    private readonly describeExit: (exit: ExitInfo) => string,
  ) {
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => this.receive(chunk));
    child.on("close", (code, signal) => {
      this.exitInfo = { code, signal };
      this.failAll({ ok: false, kind: "crash", message: describeExit(this.exitInfo) });
    });
    child.stdin?.on("error", () => undefined);
  }

  get exited(): ExitInfo | null {
    return this.exitInfo;
  }

  request(
    method: string,
    params: unknown,
    timeoutMs: number = CODEX_LIMITS.requestTimeoutMs,
  ): Promise<RpcOutcome> {
    if (this.exitInfo) {
      return Promise.resolve({ ok: false, kind: "crash", message: this.describeExit(this.exitInfo) });
    }
    if (this.protocolProblem)
      return Promise.resolve({ ok: false, kind: "protocol", message: this.protocolProblem });
    if (this.pending.size >= CODEX_LIMITS.pendingRequestsMax) {
      return Promise.resolve({
        ok: false,
        kind: "protocol",
        message: limitExceeded("pendingRequestsMax", `${method} request`),
      });
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, kind: "timeout", message: `${method}: no reply within ${timeoutMs} ms` });
      }, timeoutMs);
      this.pending.set(id, { method, resolve, timer });
      this.send({ id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  private send(message: object): void {
    if (this.child.stdin?.writable) this.child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    for (let newline = this.buffer.indexOf("\n"); newline >= 0; newline = this.buffer.indexOf("\n")) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (line !== "") this.dispatch(line);
    }
    // What is left is the start of a line: past the limit it is not a JSON-RPC message we can use.
    if (this.buffer.length > CODEX_LIMITS.lineMaxBytes) {
      this.protocolProblem = limitExceeded("lineMaxBytes", "a line from app-server");
      this.buffer = "";
      this.failAll({ ok: false, kind: "protocol", message: this.protocolProblem });
    }
  }

  private dispatch(line: string): void {
    let message: Message;
    try {
      message = JSON.parse(line) as Message;
    } catch {
      return; // not a JSON-RPC line (app-server logs go to stderr, but be lenient)
    }
    if (typeof message.method === "string") {
      if (message.id !== undefined) {
        // A server-to-client request (an approval prompt...): refuse it so the server does not wait on us.
        this.send({
          id: message.id,
          error: { code: -32601, message: "not supported by the authrace harness" },
        });
      } else if (this.notifications.length < NOTIFICATIONS_KEPT) {
        this.notifications.push(message.method);
      }
      return;
    }
    if (typeof message.id !== "number") return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    if (message.error) {
      const text =
        typeof message.error.message === "string" ? message.error.message : JSON.stringify(message.error);
      const code = typeof message.error.code === "number" ? message.error.code : null;
      pending.resolve({ ok: false, kind: "rpc-error", message: `${pending.method}: ${text}`, code });
    } else {
      pending.resolve({ ok: true, result: message.result });
    }
  }

  private failAll(outcome: RpcFailure): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      this.pending.delete(id);
      pending.resolve({ ...outcome, message: `${pending.method}: ${outcome.message}` });
    }
  }
}

/** Notification names kept for diagnosis. */
const NOTIFICATIONS_KEPT = 200;
