/**
 * The real TokenEndpoint: one POST per refresh with undici 7's `request` (Node 20's bundled fetch is undici 6).
 * Every failure is a typed result: network errors, the timeout, an oversized or undecodable body and any
 * status other than 2xx/401 are transient; a 401 is permanent (see classify.ts).
 */
import type { Dispatcher } from "undici";
import type { RefreshReason, RefreshResult, TokenEndpoint } from "../ports/types.js";
import { classifyResponse } from "./classify.js";
import { type Environment, refreshRequestBody, tokenUrl } from "./request.js";

/** Whole request, connect to last body byte. */
export const REFRESH_TIMEOUT_MS = 30_000;
/** A token response is a few kilobytes. */
export const RESPONSE_BYTES_MAX = 256 * 1024;

export interface TokenClientOptions {
  /** Where CODEX_REFRESH_TOKEN_URL_OVERRIDE is read, on every call; default process.env. */
  environment?: Environment;
  timeoutMs?: number;
  responseBytesMax?: number;
  /** An undici dispatcher (connection pool); default undici's global one. */
  dispatcher?: Dispatcher;
}

type BodyText = { ok: true; text: string } | { ok: false; bytes: number };

async function readBody(body: Dispatcher.ResponseData["body"], bytesMax: number): Promise<BodyText> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    bytes += buffer.length;
    if (bytes > bytesMax) {
      body.destroy();
      return { ok: false, bytes };
    }
    chunks.push(buffer);
  }
  return { ok: true, text: Buffer.concat(chunks).toString("utf8") };
}

function failureFromError(error: unknown, timedOut: boolean, timeoutMs: number): RefreshResult {
  const code = (error as { code?: unknown } | undefined)?.code;
  const isTimeout = timedOut || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT";
  if (isTimeout) {
    const message = `no answer within ${timeoutMs} ms (REFRESH_TIMEOUT_MS)`;
    return { ok: false, failure: { kind: "transient", cause: "timeout", status: null, message } };
  }
  const name = typeof code === "string" ? code : ((error as Error | undefined)?.name ?? "unknown error");
  const message = `token endpoint unreachable (${name})`;
  return { ok: false, failure: { kind: "transient", cause: "network", status: null, message } };
}

/**
 * undici, imported on the first refresh rather than at start: it is most of a driver process's start-up (about
 * 0.1 s of CPU), and a driver started for a conformance run or a crash's restart often never refreshes.
 */
let undici: Promise<typeof import("undici")> | null = null;

async function postRefresh(
  refreshToken: string,
  reason: RefreshReason | undefined,
  options: TokenClientOptions,
): Promise<RefreshResult> {
  const timeoutMs = options.timeoutMs ?? REFRESH_TIMEOUT_MS;
  const bytesMax = options.responseBytesMax ?? RESPONSE_BYTES_MAX;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    undici ??= import("undici");
    const { request } = await undici;
    const response = await request(tokenUrl(options.environment ?? process.env), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: refreshRequestBody(refreshToken, reason),
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    const body = await readBody(response.body, bytesMax);
    if (!body.ok) {
      const message = `HTTP ${response.statusCode}: body over ${bytesMax} bytes (RESPONSE_BYTES_MAX)`;
      return {
        ok: false,
        failure: { kind: "transient", cause: "decode", status: response.statusCode, message },
      };
    }
    return classifyResponse(response.statusCode, body.text);
  } catch (error) {
    return failureFromError(error, signal.aborted, timeoutMs);
  }
}

export function createTokenClient(options: TokenClientOptions = {}): TokenEndpoint {
  return { refresh: (refreshToken, reason) => postRefresh(refreshToken, reason, options) };
}
