/**
 * `POST /oauth/token` from a fully read body to (record, reply). Synchronous on purpose: the whole
 * decision (fault, lookup, rotation, record) happens in one turn of the event loop, so the order in which
 * request bodies finish arriving is the order the server rotates in. The HTTP layer delays and sends.
 */
import { REFRESH_ERROR_CODES } from "../model/vocabulary.js";
import { decideRefresh, isStaleSend, type RotationPolicy, type TokenLookup } from "./decide.js";
import type { FaultQueue } from "./faults.js";
import { INJECTED_ANSWERS } from "./injected-answers.js";
import type { NewRecord, TokenLedger } from "./ledger.js";
import { OAUTH_BAD_REQUEST_CODES, parseTokenRequest } from "./token-request.js";
import type { IssuedTokens } from "./tokens.js";
import type { RequestRecord } from "./types.js";

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A recorded request, answered, dropped (`drop`: destroy the socket without answering; the decision is already
 * applied) or reset (`reset`: a TCP reset, nothing decided), or a request refused unrecorded because the request
 * log is full.
 */
export type TokenOutcome =
  | { record: RequestRecord; reply: Reply | "drop" | "reset" }
  | { record: null; refusal: string; reply: Reply };

export type TokenInput =
  | { kind: "body"; text: string }
  | { kind: "too-large"; requestBodyMaxBytes: number }
  | { kind: "wrong-method"; method: string };

export interface TokenEndpointContext {
  ledger: TokenLedger;
  faults: FaultQueue;
  policy: RotationPolicy;
  recordedRequestsMax: number;
}

/** Messages of the real endpoint (the reused one as observed; the others in the same voice). */
const ERROR_MESSAGES: Record<string, string> = {
  [REFRESH_ERROR_CODES.reused]:
    "Your refresh token has already been used to generate a new access token. Please try signing in again.",
  [REFRESH_ERROR_CODES.invalidated]: "Your refresh token has been invalidated. Please try signing in again.",
};
const UNKNOWN_TOKEN_MESSAGE =
  "Your refresh token was not issued by this server. Please try signing in again.";

/** `error.code` of a 507: a limit of `TokenServerLimits` refused the request (the message names it). */
export const LIMIT_REACHED_CODE = "authrace_limit_reached";

export function openAiError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): Reply {
  return { status, body: { error: { code, message } }, ...(headers ? { headers } : {}) };
}

function tokensBody(tokens: IssuedTokens): Reply {
  return {
    status: 200,
    body: { id_token: tokens.idToken, access_token: tokens.accessToken, refresh_token: tokens.refreshToken },
  };
}

type PresentedFields = Pick<NewRecord, "refreshToken" | "familyId" | "tokenGeneration" | "staleSend">;

function lookupOf(context: TokenEndpointContext, refreshToken: string | null): TokenLookup {
  return refreshToken === null ? { known: false } : context.ledger.lookup(refreshToken);
}

/** What the record says about the presented token; `lookup` is taken before anything rotates. */
function presented(lookup: TokenLookup, refreshToken: string | null): PresentedFields {
  return {
    refreshToken,
    familyId: lookup.known ? lookup.familyId : null,
    tokenGeneration: lookup.known ? lookup.generation : null,
    staleSend: isStaleSend(lookup),
  };
}

interface Rejection {
  method: string;
  status: number;
  code: string;
  description: string;
  /** The refresh token, when the body carried one, so the record still shows who sent what. */
  refreshToken: string | null;
  headers?: Record<string, string>;
}

function rejectionOf(input: Exclude<TokenInput, { kind: "body" }>): Rejection {
  const code = OAUTH_BAD_REQUEST_CODES.invalidRequest;
  if (input.kind === "too-large") {
    const description = `request body exceeds limit requestBodyMaxBytes (${input.requestBodyMaxBytes})`;
    return { method: "POST", status: 413, code, description, refreshToken: null };
  }
  const description = `method ${input.method} not allowed; use POST`;
  return {
    method: input.method,
    status: 405,
    code,
    description,
    refreshToken: null,
    headers: { allow: "POST" },
  };
}

function badRequest(
  context: TokenEndpointContext,
  rejection: Rejection,
  sender: string | null,
): TokenOutcome {
  const { method, status, code, description, refreshToken, headers } = rejection;
  const record = context.ledger.record({
    ...presented(lookupOf(context, refreshToken), refreshToken),
    method,
    verdict: "bad-request",
    status,
    code,
    fault: null,
    refreshReason: null,
    sender,
  });
  const reply: Reply = { status, body: { error: code, error_description: description } };
  return { record, reply: headers ? { ...reply, headers } : reply };
}

export function answerTokenRequest(
  context: TokenEndpointContext,
  input: TokenInput,
  sender: string | null = null,
): TokenOutcome {
  if (!context.ledger.hasRecordRoom()) {
    context.ledger.countRefusal();
    const message = `request log full: limit recordedRequestsMax (${context.recordedRequestsMax}) reached`;
    return { record: null, refusal: message, reply: openAiError(507, LIMIT_REACHED_CODE, message) };
  }
  if (input.kind !== "body") return badRequest(context, rejectionOf(input), sender);
  const parsed = parseTokenRequest(input.text);
  if (!parsed.ok) {
    const { code, description, refreshToken } = parsed;
    return badRequest(context, { method: "POST", status: 400, code, description, refreshToken }, sender);
  }
  const { refreshToken, refreshReason } = parsed.request;
  const lookup = lookupOf(context, refreshToken);
  const fault = context.faults.take();
  const injected = fault ? INJECTED_ANSWERS[fault] : undefined;
  if (fault && injected) {
    const answered = injected.kind === "answer";
    const record = context.ledger.record({
      ...presented(lookup, refreshToken),
      method: "POST",
      verdict: "fault",
      status: answered ? injected.status : 0,
      code: answered ? injected.code : null,
      fault,
      refreshReason,
      sender,
    });
    if (!answered) return { record, reply: "reset" };
    const { status, code, message, headers } = injected;
    return { record, reply: openAiError(status, code, message, headers) };
  }
  const decision = decideRefresh(lookup, context.policy);
  const tokens = context.ledger.apply(lookup, decision, context.ledger.nextSeq());
  const dropped = fault === "drop-after-rotate";
  const record = context.ledger.record({
    ...presented(lookup, refreshToken),
    method: "POST",
    verdict: decision.verdict,
    status: dropped ? 0 : decision.status,
    code: dropped ? null : decision.code,
    fault,
    refreshReason,
    sender,
  });
  if (dropped) return { record, reply: "drop" };
  if (tokens) return { record, reply: tokensBody(tokens) };
  const code = decision.code ?? REFRESH_ERROR_CODES.invalidated;
  const message = decision.verdict === "unknown" ? UNKNOWN_TOKEN_MESSAGE : (ERROR_MESSAGES[code] ?? code);
  return { record, reply: openAiError(decision.status, code, message) };
}
