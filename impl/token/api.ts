/**
 * The real ApiEndpoint: one `GET` with `Authorization: Bearer <access token>` per API request, with undici 7.
 * Codex sends its model requests to `chatgpt_base_url`; authrace's loopback server answers the same question
 * (is this access token still accepted?) at one path, `/backend-api/me`. 200 -> ok, 401 -> unauthorized (the
 * cue for 401 recovery), anything else -> error. The body is read (bounded) and dropped: it is never echoed.
 */
import type { Dispatcher } from "undici";
import type { ApiAnswer, ApiEndpoint } from "../ports/types.js";
import { type Environment, tokenUrl } from "./request.js";

/** Where the API is; default: the token URL's origin with API_PATH (one loopback server serves both). */
export const API_URL_VARIABLE = "AUTHRACE_API_URL";
export const API_PATH = "/backend-api/me";
/** Whole request, connect to last body byte. */
export const API_TIMEOUT_MS = 30_000;
/** The API's answer is a few hundred bytes; more is read and dropped up to this, then the connection closed. */
const API_BODY_BYTES_MAX = 64 * 1024;
const UNAUTHORIZED_STATUS = 401;

export interface ApiClientOptions {
  environment?: Environment;
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/** Read on every call, like the token URL. */
export function apiUrl(environment: Environment): string {
  const override = environment[API_URL_VARIABLE];
  if (override !== undefined && override !== "") return override;
  return new URL(API_PATH, tokenUrl(environment)).href;
}

let undici: Promise<typeof import("undici")> | null = null;

async function drain(body: Dispatcher.ResponseData["body"]): Promise<void> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += (chunk as Uint8Array).length;
    if (bytes > API_BODY_BYTES_MAX) {
      body.destroy();
      return;
    }
  }
}

async function sendRequest(accessToken: string, options: ApiClientOptions): Promise<ApiAnswer> {
  const timeoutMs = options.timeoutMs ?? API_TIMEOUT_MS;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    undici ??= import("undici");
    const { request } = await undici;
    const response = await request(apiUrl(options.environment ?? process.env), {
      method: "GET",
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      ...(options.dispatcher === undefined ? {} : { dispatcher: options.dispatcher }),
    });
    await drain(response.body);
    const status = response.statusCode;
    if (status >= 200 && status < 300) return { kind: "ok", status };
    if (status === UNAUTHORIZED_STATUS) return { kind: "unauthorized", status };
    return { kind: "error", status, message: `API answered HTTP ${status}` };
  } catch (error) {
    if (signal.aborted)
      return { kind: "error", status: null, message: `no answer within ${timeoutMs} ms (API_TIMEOUT_MS)` };
    const code = (error as { code?: unknown } | undefined)?.code;
    const name = typeof code === "string" ? code : ((error as Error | undefined)?.name ?? "unknown error");
    return { kind: "error", status: null, message: `API unreachable (${name})` };
  }
}

export function createApiClient(options: ApiClientOptions = {}): ApiEndpoint {
  return { request: (accessToken) => sendRequest(accessToken, options) };
}
