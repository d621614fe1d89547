/**
 * The node:http edge: reads bodies (bounded), routes, delays and sends. All decisions are made
 * synchronously in token-endpoint.ts / control.ts once a body has fully arrived.
 *
 * Order for a token request: body arrives -> decide and rotate -> record -> wait `responseDelayMs` ->
 * answer (or drop the socket). Deciding first makes races reproducible: the rotation happens at the
 * instant the request reaches the server (the model's `sendRefresh`), and the delay only holds back its
 * answer (`receiveResponse`). With a delay of D, two processes that POST R0 within D of each other both
 * reach the server before either hears back: the first rotates R0 -> R1, the second is `reused`, and
 * /state already shows R1 while both clients are still waiting. A client that dies or times out during
 * the delay leaves the server rotated, exactly like a lost response.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { API_PATH, type ApiPolicy, answerApiRequest } from "./api-endpoint.js";
import { answerControl, CONTROL_ROUTES, type ControlContext, type ControlRoute } from "./control.js";
import { checkControlAccess } from "./control-access.js";
import {
  answerTokenRequest,
  openAiError,
  type Reply,
  type TokenEndpointContext,
  type TokenInput,
} from "./token-endpoint.js";
import type { RequestRecord } from "./types.js";

export const TOKEN_PATH = "/oauth/token";
/** The token URL's query parameter naming the sender (`?sender=P3`). */
export const SENDER_PARAMETER = "sender";

export interface HttpContext {
  token: TokenEndpointContext;
  api: ApiPolicy;
  control: ControlContext;
  responseDelayMs: number;
  requestBodyMaxBytes: number;
  /** Every control route needs it (control-access.ts). */
  controlSecret: string;
  /** Timers of delayed answers, cleared on close. */
  pendingReplies: Set<NodeJS.Timeout>;
  onRequest?: (record: RequestRecord) => void;
  onLimitReached?: (message: string) => void;
}

/** The request's path; an unparsable target gets a path no route has (404), never an exception. */
function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? "/", "http://127.0.0.1").pathname;
  } catch {
    return "";
  }
}

/** The token URL's `sender` query parameter (see RequestRecord.sender); null when absent or unparsable. */
function senderOf(request: IncomingMessage): string | null {
  try {
    return new URL(request.url ?? "/", "http://127.0.0.1").searchParams.get(SENDER_PARAMETER);
  } catch {
    return null;
  }
}

type BodyRead = { kind: "complete"; text: string } | { kind: "too-large" } | { kind: "aborted" };

/**
 * Reads at most `maxBytes`; a larger body is read to its end and discarded so the 413 reaches a client
 * that is still sending (how long that may take is bounded by node's `server.requestTimeout`).
 */
function readBody(request: IncomingMessage, maxBytes: number): Promise<BodyRead> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on("end", () => {
      resolve(
        size > maxBytes
          ? { kind: "too-large" }
          : { kind: "complete", text: Buffer.concat(chunks).toString("utf8") },
      );
    });
    // A client that goes away mid-body gets no answer and no record: the server never saw its request.
    request.on("error", () => resolve({ kind: "aborted" }));
    request.on("close", () => resolve({ kind: "aborted" }));
  });
}

function send(response: ServerResponse, reply: Reply): void {
  if (response.destroyed) return;
  const text = JSON.stringify(reply.body);
  response.writeHead(reply.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
    ...reply.headers,
  });
  response.end(text);
}

function afterDelay(context: HttpContext, action: () => void): void {
  if (context.responseDelayMs === 0) {
    action();
    return;
  }
  const timer = setTimeout(() => {
    context.pendingReplies.delete(timer);
    action();
  }, context.responseDelayMs);
  context.pendingReplies.add(timer);
}

async function handleToken(
  context: HttpContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request, context.requestBodyMaxBytes);
  if (body.kind === "aborted") return;
  const method = request.method ?? "";
  let input: TokenInput;
  if (method !== "POST") input = { kind: "wrong-method", method };
  else if (body.kind === "too-large")
    input = { kind: "too-large", requestBodyMaxBytes: context.requestBodyMaxBytes };
  else input = { kind: "body", text: body.text };
  const outcome = answerTokenRequest(context.token, input, senderOf(request));
  if (outcome.record) context.onRequest?.(outcome.record);
  else context.onLimitReached?.(outcome.refusal);
  const { reply } = outcome;
  afterDelay(context, () => {
    if (reply === "drop") request.socket.destroy();
    // A TCP RST, not a FIN: the client's read fails with ECONNRESET, as on a connection an endpoint refuses.
    else if (reply === "reset") request.socket.resetAndDestroy();
    else send(response, reply);
  });
}

async function handleOther(
  context: HttpContext,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const body = await readBody(request, context.requestBodyMaxBytes);
  if (body.kind === "aborted") return;
  const path = pathOf(request);
  const route = `${request.method} ${path}`;
  const control = CONTROL_ROUTES.some((known) => known.endsWith(` ${path}`));
  const refused = control
    ? checkControlAccess(request.method ?? "", request.headers, context.controlSecret)
    : null;
  if (refused !== null) {
    send(response, refused);
  } else if (body.kind === "too-large") {
    const message = `request body exceeds limit requestBodyMaxBytes (${context.requestBodyMaxBytes})`;
    send(response, openAiError(413, "invalid_request", message));
  } else if ((CONTROL_ROUTES as readonly string[]).includes(route)) {
    send(response, answerControl(context.control, route as ControlRoute, body.text));
  } else if (control) {
    send(response, openAiError(405, "invalid_request", `method ${request.method} not allowed on ${path}`));
  } else {
    send(response, openAiError(404, "not_found", `no route ${route}`));
  }
}

/** An API request carries no body worth reading; it is answered at once, never delayed or recorded. */
async function handleApi(context: HttpContext, request: IncomingMessage, response: ServerResponse) {
  const body = await readBody(request, context.requestBodyMaxBytes);
  if (body.kind === "aborted") return;
  const authorization = request.headers.authorization;
  send(response, answerApiRequest(context.token.ledger, context.api, request.method ?? "", authorization));
}

export function createRequestHandler(
  context: HttpContext,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const path = pathOf(request);
    const handled =
      path === TOKEN_PATH
        ? handleToken(context, request, response)
        : path === API_PATH
          ? handleApi(context, request, response)
          : handleOther(context, request, response);
    handled.catch((error: unknown) => {
      // Only a programmer error gets here: fail the request and make the error loud.
      response.destroy();
      process.nextTick(() => {
        throw error;
      });
    });
  };
}
