/**
 * Shared by the token server tests: start servers that are closed after each test, and talk to them over
 * real HTTP with undici, exactly as another process would.
 */
import { request } from "undici";
import { afterEach } from "vitest";
import { CODEX_CLIENT_ID } from "../../model/vocabulary.js";
import { startTokenServer, type TokenServer, type TokenServerOptions } from "../../server/index.js";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert on JSON bodies of several shapes
  body: any;
}

/** Starts servers for the current test file; every one is closed after each test. */
export function useTokenServers(): (options?: TokenServerOptions) => Promise<TokenServer> {
  const open: TokenServer[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => server.close()));
  });
  return async (options) => {
    const server = await startTokenServer(options);
    open.push(server);
    return server;
  };
}

export async function send(
  url: string,
  method: string,
  text?: string,
  headers: Record<string, string> = {},
): Promise<HttpAnswer> {
  const response = await request(url, {
    method: method as "POST",
    headers: { "content-type": "application/json", ...headers },
    ...(text === undefined ? {} : { body: text }),
  });
  const raw = await response.body.text();
  return {
    status: response.statusCode,
    headers: response.headers,
    body: raw === "" ? null : JSON.parse(raw),
  };
}

/** Codex's refresh request: `{"client_id","grant_type":"refresh_token","refresh_token"}` as JSON. */
export function refreshBody(refreshToken: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    client_id: CODEX_CLIENT_ID,
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    ...extra,
  });
}

export function refresh(tokenUrl: string, refreshToken: string): Promise<HttpAnswer> {
  return send(tokenUrl, "POST", refreshBody(refreshToken));
}

export function getJson(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return send(url, "GET", undefined, headers);
}

/** The header every control endpoint needs: this run's secret (server/control-access.ts). */
export function controlHeaders(secret: string): Record<string, string> {
  return { authorization: `Bearer ${secret}` };
}

/** A control request to `server` (JSON, with its secret), as a process handed the secret would send it. */
export function control(
  server: TokenServer,
  path: string,
  method: string,
  text?: string,
): Promise<HttpAnswer> {
  return send(`${server.url}${path}`, method, text, controlHeaders(server.controlSecret));
}
