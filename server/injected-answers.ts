/**
 * What an injected fault answers in place of the token endpoint's decision, one entry per fault that skips
 * the decision. `drop-after-rotate` is not here: it lets the decision happen (a current token rotates) and only
 * withholds the answer (token-endpoint.ts).
 *
 * Two faults end in a network error on the client, and they differ in what the server did first:
 * - `drop-after-rotate` (rotate, then drop): the model's `lostResponse`. The server moved on; the client still
 *   holds the token it sent, and a retry of it is a stale send.
 * - `reset-without-rotate` (reject without an answer): the connection is reset before anything is decided, so
 *   nothing rotates and the token sent is still current. What a client of an unreachable endpoint sees; reqwest
 *   calls it "error sending request for url", the log line of the issue PR #15357 fixed. A client must classify
 *   it transient (cause `network`). To the model it is the `transient` fault (`serverError`: the server answers
 *   without rotating), in another wire form: a reset instead of a 500.
 *
 * `status-401-expired` is a permanent answer instead: 401 `refresh_token_expired` for whatever token arrives, as
 * Codex's second regression test of PR #15357 answers ("the refresh endpoint would fail if called"). A fixed
 * client whose disk already holds the rotated token never calls it; one that calls it gets a permanent error.
 */
import { REFRESH_ERROR_CODES } from "../model/vocabulary.js";
import type { FaultKind } from "./types.js";

/** An HTTP answer given without looking at the token (nothing rotates). */
export interface InjectedHttpAnswer {
  kind: "answer";
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
}

/** Reset the connection (TCP RST) before any byte of an answer; nothing decided, nothing rotates. */
export interface InjectedReset {
  kind: "reset";
}

export type InjectedAnswer = InjectedHttpAnswer | InjectedReset;

const NOTHING_ROTATED = "nothing rotated";

export const INJECTED_ANSWERS: Readonly<Partial<Record<FaultKind, InjectedAnswer>>> = {
  "status-500": {
    kind: "answer",
    status: 500,
    code: "server_error",
    message: `authrace injected fault status-500; ${NOTHING_ROTATED}`,
  },
  "status-429": {
    kind: "answer",
    status: 429,
    code: "rate_limit_exceeded",
    message: `authrace injected fault status-429; ${NOTHING_ROTATED}`,
    headers: { "retry-after": "1" },
  },
  "status-401-expired": {
    kind: "answer",
    status: 401,
    code: REFRESH_ERROR_CODES.expired,
    message: "Your refresh token has expired. Please try signing in again.",
  },
  "reset-without-rotate": { kind: "reset" },
};
