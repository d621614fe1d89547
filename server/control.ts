/**
 * The control endpoints, so that other OS processes (scenarios, a real Codex harness) can drive a server
 * they did not start: create families, queue faults, read the state and the request log.
 *
 *   POST /control/family  {accountId?, email?, planType?, userId?, accessToken?: "jwt"|"opaque"}
 *                         -> 200 FamilyTokens (whole tokens: the caller writes them to auth.json)
 *   POST /control/fault   {kind, count?} -> 200 {pendingFaults}
 *   GET  /state           -> 200 ServerState, tokens redacted
 *   GET  /requests        -> 200 {requests: RequestRecord[]}, tokens redacted
 */
import { checkFaultSpec, type FaultQueue } from "./faults.js";
import type { TokenLedger } from "./ledger.js";
import { LIMIT_REACHED_CODE, openAiError, type Reply } from "./token-endpoint.js";
import { parseJsonObject } from "./token-request.js";
import {
  ACCESS_TOKEN_STYLES,
  type CreateFamilyOptions,
  type ServerState,
  TokenServerLimitError,
} from "./types.js";
import { redactRecord, redactState } from "./views.js";

export interface ControlContext {
  ledger: TokenLedger;
  faults: FaultQueue;
  state: () => ServerState;
}

const BAD_CONTROL_CODE = "invalid_request";
const STRING_FAMILY_FIELDS = ["accountId", "email", "planType", "userId"] as const;

type FamilyOptionsCheck = { ok: true; options: CreateFamilyOptions } | { ok: false; problem: string };

function checkFamilyOptions(text: string): FamilyOptionsCheck {
  if (text.trim() === "") return { ok: true, options: {} };
  const body = parseJsonObject(text);
  if (!body) return { ok: false, problem: "body must be empty or a JSON object" };
  const options: CreateFamilyOptions = {};
  for (const field of STRING_FAMILY_FIELDS) {
    const value = body[field];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "")
      return { ok: false, problem: `${field} must be a non-empty string` };
    options[field] = value;
  }
  const style = body.accessToken;
  if (style !== undefined) {
    if (style !== "jwt" && style !== "opaque") {
      return { ok: false, problem: `accessToken must be one of ${ACCESS_TOKEN_STYLES.join(", ")}` };
    }
    options.accessToken = style;
  }
  return { ok: true, options };
}

/** Limit errors become 507 with the limit's name; anything else is a programmer error and propagates. */
function limitReply(error: unknown): Reply {
  if (error instanceof TokenServerLimitError) return openAiError(507, LIMIT_REACHED_CODE, error.message);
  throw error;
}

function createFamily(context: ControlContext, text: string): Reply {
  const check = checkFamilyOptions(text);
  if (!check.ok) return openAiError(400, BAD_CONTROL_CODE, check.problem);
  try {
    return { status: 200, body: context.ledger.createFamily(check.options) };
  } catch (error) {
    return limitReply(error);
  }
}

function injectFault(context: ControlContext, text: string): Reply {
  const check = checkFaultSpec(parseJsonObject(text));
  if (!check.ok) return openAiError(400, BAD_CONTROL_CODE, check.problem);
  try {
    context.faults.push(check.fault);
  } catch (error) {
    return limitReply(error);
  }
  return { status: 200, body: { pendingFaults: context.faults.pending() } };
}

export type ControlRoute = "POST /control/family" | "POST /control/fault" | "GET /state" | "GET /requests";

export const CONTROL_ROUTES: readonly ControlRoute[] = [
  "POST /control/family",
  "POST /control/fault",
  "GET /state",
  "GET /requests",
];

export function answerControl(context: ControlContext, route: ControlRoute, text: string): Reply {
  switch (route) {
    case "POST /control/family":
      return createFamily(context, text);
    case "POST /control/fault":
      return injectFault(context, text);
    case "GET /state":
      return { status: 200, body: redactState(context.state()) };
    case "GET /requests":
      return { status: 200, body: { requests: context.ledger.requests().map(redactRecord) } };
  }
}
