/**
 * A minimal token endpoint for tests: a real node:http server on 127.0.0.1, port 0. It records every POST
 * and answers through a handler the test chooses. (The full server lives in server/; impl tests do not
 * depend on it.)
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { encodeJwt } from "../../../impl/storage/index.js";

export interface ReceivedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  /** The Authorization header (API requests carry `Bearer <access token>`). */
  authorization: string | undefined;
  rawBody: string;
  /** The parsed body, or undefined when it is not JSON. */
  body: Record<string, unknown> | undefined;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

export interface TokenServer {
  /** http://127.0.0.1:<port>/oauth/token */
  url: string;
  requests: ReceivedRequest[];
  handler: Handler;
  close(): Promise<void>;
}

function parseBody(rawBody: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(rawBody) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

async function receive(request: IncomingMessage): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const rawBody = Buffer.concat(chunks).toString("utf8");
  return {
    method: request.method ?? "",
    path: request.url ?? "",
    contentType: request.headers["content-type"],
    authorization: request.headers.authorization,
    rawBody,
    body: parseBody(rawBody),
  };
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

export async function startTokenServer(handler: Handler): Promise<TokenServer> {
  const sockets = new Set<Socket>();
  const server: TokenServer = { url: "", requests: [], handler, close: async () => undefined };
  const http = createServer((request, response) => {
    void receive(request).then(async (received) => {
      server.requests.push(received);
      await server.handler(received, response);
    });
  });
  http.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  server.url = `http://127.0.0.1:${port}/oauth/token`;
  server.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      http.close(() => resolve());
    });
  return server;
}

/**
 * A rotating server like OpenAI's: the current refresh token is redeemed once (200 with generation n+1),
 * anything else is 401 refresh_token_reused. Tokens are `<refreshPrefix>R<n>` and `<accessPrefix>R<n>`.
 */
export class Rotation {
  generation = 0;
  delayMs = 0;
  /** One entry per POST: the token sent and the status answered. */
  readonly log: { refreshToken: unknown; status: number }[] = [];

  constructor(
    readonly refreshPrefix = "rt-",
    readonly accessPrefix = "at-",
  ) {}

  refreshToken(generation = this.generation): string {
    return `${this.refreshPrefix}R${generation}`;
  }

  accessToken(generation = this.generation): string {
    return `${this.accessPrefix}R${generation}`;
  }

  /** Which access tokens the API (`GET /backend-api/me`) takes; default: the current one only. */
  apiAccepts: (accessToken: string) => boolean = (accessToken) => accessToken === this.accessToken();
  /** One entry per API request: the access token sent and the status answered. */
  readonly apiLog: { accessToken: string; status: number }[] = [];

  readonly handle: Handler = async (request, response) => {
    if (request.path.startsWith("/backend-api/me")) {
      const accessToken = (request.authorization ?? "").replace(/^Bearer /, "");
      const status = this.apiAccepts(accessToken) ? 200 : 401;
      this.apiLog.push({ accessToken, status });
      sendJson(response, status, status === 200 ? { ok: true } : { error: { code: "token_expired" } });
      return;
    }
    if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    const sent = request.body?.refresh_token;
    if (sent !== this.refreshToken()) {
      this.log.push({ refreshToken: sent, status: 401 });
      sendJson(response, 401, { error: { code: "refresh_token_reused", message: "already used" } });
      return;
    }
    this.generation += 1;
    this.log.push({ refreshToken: sent, status: 200 });
    sendJson(response, 200, {
      id_token: encodeJwt({ email: "user@example.com", generation: this.generation }),
      access_token: this.accessToken(),
      refresh_token: this.refreshToken(),
    });
  };
}
