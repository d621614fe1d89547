/**
 * A loopback stand-in for the model API a real Codex binary calls (`openai_base_url` in its config.toml), so
 * that its 401 recovery (`UnauthorizedRecovery`) can be made to run offline. It records every request (method,
 * path, the bearer token, whether it is a model request) and serves two kinds:
 *
 * - a model request (a path ending in `/responses`: Codex opens a WebSocket with `GET /v1/responses`, or
 *   POSTs there over HTTP) is HELD: it waits in a queue until the harness answers it (`answer(status, body)`),
 *   so the harness can act (rotate the token, save auth.json) while Codex waits for its answer;
 * - anything else (model list, plugins, connectors, MCP) is answered 404 at once: never a 401, so nothing but
 *   the model request can start a recovery.
 *
 * Whole bearer tokens stay in the records (they are compared, never printed): report views map them to their
 * generation. Every queue and wait has a limit (MODEL_API_LIMITS) that names itself when hit.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";

export const MODEL_API_LIMITS = {
  /** Requests recorded; past it every request is answered 507, unrecorded (and counted). */
  recordedRequestsMax: 2_000,
  /** Model requests waiting for an answer at once. */
  heldRequestsMax: 16,
  /** Request bodies read at most (Codex's first model request carries the whole prompt and tool list). */
  requestBodyMaxBytes: 4 * 1024 * 1024,
} as const;

/** Where Codex's requests go: `openai_base_url` is `<url>/v1`, `chatgpt_base_url` `<url>/backend-api/`. */
export const MODEL_API_PATHS = { openai: "/v1", chatgpt: "/backend-api/" } as const;

/** What the server answers every request it does not hold. */
const NOT_SERVED = { error: { message: "not served by authrace's model API", code: "not_found" } };

export interface ApiRequestRecord {
  /** 1, 2, 3... in arrival order. */
  seq: number;
  /** Epoch ms of arrival (headers read). */
  atMs: number;
  method: string;
  /** Path with query. */
  path: string;
  /** The `Authorization: Bearer` token, whole (compare, never print); null when none was sent. */
  bearer: string | null;
  /** A model request (held); otherwise answered 404 at once. */
  model: boolean;
  /** A WebSocket upgrade (Codex's responses WebSocket). */
  websocket: boolean;
  /** 1, 2, 3... among model requests; null for other requests. */
  modelSeq: number | null;
  /** What it was answered; null while held (or never answered: the client went away first). */
  status: number | null;
}

/** A model request waiting for its answer. */
export interface HeldModelRequest {
  record: ApiRequestRecord;
  /** Answers it (once; later calls do nothing): status and a JSON body. */
  answer(status: number, body: unknown): void;
}

/** No request: none came within the time (`timeout`), or the caller's `stop` came first (`stopped`). */
export type NextModelRequest =
  | { ok: true; request: HeldModelRequest }
  | { ok: false; reason: "timeout" | "stopped"; problem: string };

export interface ModelApi {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  /** Every request so far, in arrival order. */
  requests(): readonly ApiRequestRecord[];
  /** Requests refused unrecorded because `recordedRequestsMax` was reached. */
  refusedRequests(): number;
  /**
   * The next model request not yet taken, waiting for it at most `timeoutMs`; resolves early (ok: false) when
   * `stop` resolves first (the binary exited). Taking it makes the caller the one to answer it.
   */
  nextModelRequest(timeoutMs: number, stop?: Promise<string>): Promise<NextModelRequest>;
  close(): Promise<void>;
}

function isModelPath(path: string): boolean {
  return new URL(path, "http://127.0.0.1").pathname.endsWith("/responses");
}

function bearerOf(request: IncomingMessage): string | null {
  const header = request.headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1] ?? null;
}

/** Sends a JSON answer unless the socket is gone; a WebSocket upgrade is answered the same way (no upgrade). */
function send(response: ServerResponse, status: number, body: unknown): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  // A length, not chunked encoding: Codex prints a failed WebSocket handshake's body raw, chunk sizes included.
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    connection: "close",
  });
  response.end(text);
}

/** Reads and drops the body (bounded), so the client sees its answer only after it finished sending. */
function drain(request: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MODEL_API_LIMITS.requestBodyMaxBytes) {
        request.destroy();
        resolve(false);
      }
    });
    request.on("end", () => resolve(true));
    request.on("error", () => resolve(false));
  });
}

interface Waiter {
  resolve: (outcome: NextModelRequest) => void;
}

export function startModelApi(): Promise<ModelApi> {
  const records: ApiRequestRecord[] = [];
  const queue: HeldModelRequest[] = [];
  const waiters: Waiter[] = [];
  const sockets = new Set<Socket>();
  let refused = 0;
  let modelCount = 0;

  const offer = (held: HeldModelRequest): void => {
    const waiter = waiters.shift();
    if (waiter) waiter.resolve({ ok: true, request: held });
    else queue.push(held);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = request.url ?? "/";
    if (records.length >= MODEL_API_LIMITS.recordedRequestsMax) {
      refused += 1;
      send(response, 507, {
        error: { message: "recordedRequestsMax reached", code: "authrace_limit_reached" },
      });
      return;
    }
    const model = isModelPath(path);
    const record: ApiRequestRecord = {
      seq: records.length + 1,
      atMs: Date.now(),
      method: request.method ?? "GET",
      path,
      bearer: bearerOf(request),
      model,
      websocket: (request.headers.upgrade ?? "").toLowerCase() === "websocket",
      modelSeq: model ? ++modelCount : null,
      status: null,
    };
    records.push(record);
    const complete = await drain(request);
    const answer = (status: number, body: unknown): void => {
      if (record.status !== null) return;
      record.status = status;
      send(response, status, body);
    };
    if (!model || !complete) {
      answer(complete ? 404 : 413, NOT_SERVED);
      return;
    }
    if (queue.length >= MODEL_API_LIMITS.heldRequestsMax) {
      answer(503, { error: { message: "heldRequestsMax reached", code: "authrace_limit_reached" } });
      return;
    }
    offer({ record, answer });
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  // No 'upgrade' listener: Node then serves a WebSocket upgrade (Codex's responses WebSocket) as a plain
  // request, so it is held and answered like any model request (Codex sees an HTTP error, no upgrade).
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const address = server.address();
      if (address === null || typeof address === "string") throw new Error("model API: no TCP address");
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        port: address.port,
        requests: () => records,
        refusedRequests: () => refused,
        nextModelRequest(timeoutMs, stop) {
          const queued = queue.shift();
          if (queued) return Promise.resolve({ ok: true, request: queued });
          return new Promise<NextModelRequest>((done) => {
            const waiter: Waiter = {
              resolve: (outcome) => {
                clearTimeout(timer);
                done(outcome);
              },
            };
            const give = (reason: "timeout" | "stopped", problem: string): void => {
              const index = waiters.indexOf(waiter);
              if (index < 0) return;
              waiters.splice(index, 1);
              waiter.resolve({ ok: false, reason, problem });
            };
            const timer = setTimeout(
              () => give("timeout", `no model request within ${timeoutMs} ms`),
              timeoutMs,
            );
            waiters.push(waiter);
            stop?.then((problem) => give("stopped", problem));
          });
        },
        close: () =>
          new Promise<void>((done) => {
            for (const held of queue.splice(0)) held.answer(503, NOT_SERVED);
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
