/**
 * Who may use the control endpoints: only a caller holding this run's secret, generated at start and handed to
 * whoever started the server (the in-process `TokenServer.controlSecret`; `authrace server` prints it). The port
 * is on 127.0.0.1, but that admits every local user and every web page the user's browser opens: a page may POST
 * text/plain cross-origin without a preflight. So a control request must carry `Authorization: Bearer <secret>`
 * (a header no page can set cross-origin without a preflight, which this server never grants), a POST must be
 * `application/json`, and a request with an `Origin` header (a browser's) is refused outright. The token
 * endpoint stays open, as the real one is.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import type { Reply } from "./token-endpoint.js";

/** 32 random bytes, base64url: 43 characters. */
const SECRET_BYTES = 32;

export function generateControlSecret(): string {
  return randomBytes(SECRET_BYTES).toString("base64url");
}

function refusal(status: number, description: string): Reply {
  return {
    status,
    body: { error: status === 403 ? "forbidden" : "unsupported_media_type", error_description: description },
  };
}

function sameSecret(presented: string, secret: string): boolean {
  const left = Buffer.from(presented);
  const right = Buffer.from(secret);
  return left.length === right.length && timingSafeEqual(left, right);
}

const BEARER = /^Bearer (\S+)$/;
const JSON_MEDIA_TYPE = /^application\/json\s*(;|$)/i;

/** Null when the request may proceed; otherwise the refusal to send (nothing else happens). */
export function checkControlAccess(
  method: string,
  headers: IncomingHttpHeaders,
  secret: string,
): Reply | null {
  if (headers.origin !== undefined) {
    return refusal(403, "control endpoints take no requests from web pages (an Origin header was sent)");
  }
  const presented = BEARER.exec(headers.authorization ?? "")?.[1];
  if (presented === undefined || !sameSecret(presented, secret)) {
    return refusal(
      403,
      "control endpoints need this run's secret: header 'Authorization: Bearer <secret>' " +
        "(TokenServer.controlSecret; printed by authrace server at start)",
    );
  }
  if (method === "POST" && !JSON_MEDIA_TYPE.test(headers["content-type"] ?? "")) {
    return refusal(415, "control endpoints take a JSON body: header 'Content-Type: application/json'");
  }
  return null;
}
