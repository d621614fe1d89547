/**
 * The server's rotation decision, pure: it looks only at what the ledger knows about the presented token
 * and at the policy. No clock, no I/O; the ledger applies the decision and the HTTP layer answers it.
 */
import { REFRESH_ERROR_CODES } from "../model/vocabulary.js";
import type { Verdict } from "./types.js";

/** What the ledger knows about a presented refresh token. */
export type TokenLookup =
  | { known: false }
  | {
      known: true;
      familyId: string;
      /** Generation of the presented token (R0 = 0). */
      generation: number;
      /** The family's current generation; presented < current means the token was rotated out. */
      currentGeneration: number;
      revoked: boolean;
    };

export interface RotationPolicy {
  revokeFamilyOnReuse: boolean;
  graceWindow: boolean;
}

/**
 * rotate: issue generation current+1. answer-current: re-send the current tokens, no rotation (grace).
 * revoke-family: mark the family revoked and answer 401. reject: answer 401, change nothing.
 */
export type DecisionAction = "rotate" | "answer-current" | "revoke-family" | "reject";

export interface Decision {
  verdict: Extract<Verdict, "rotated" | "grace" | "reused" | "revoked" | "unknown">;
  action: DecisionAction;
  status: 200 | 401;
  code: string | null;
  staleSend: boolean;
}

/** True when the presented token had been rotated out of its family before it arrived. */
export function isStaleSend(lookup: TokenLookup): boolean {
  return lookup.known && lookup.generation < lookup.currentGeneration;
}

export function decideRefresh(lookup: TokenLookup, policy: RotationPolicy): Decision {
  if (!lookup.known) {
    // Never issued here (or from a server that restarted): the real endpoint calls this invalid.
    return {
      verdict: "unknown",
      action: "reject",
      status: 401,
      code: REFRESH_ERROR_CODES.invalidated,
      staleSend: false,
    };
  }
  const staleSend = isStaleSend(lookup);
  if (lookup.revoked) {
    return {
      verdict: "revoked",
      action: "reject",
      status: 401,
      code: REFRESH_ERROR_CODES.invalidated,
      staleSend,
    };
  }
  if (!staleSend) {
    return { verdict: "rotated", action: "rotate", status: 200, code: null, staleSend };
  }
  // Only the immediately previous token: accepting older ones is the django-oauth-toolkit #1617 bug.
  if (policy.graceWindow && lookup.generation === lookup.currentGeneration - 1) {
    return { verdict: "grace", action: "answer-current", status: 200, code: null, staleSend };
  }
  return {
    verdict: "reused",
    action: policy.revokeFamilyOnReuse ? "revoke-family" : "reject",
    status: 401,
    code: REFRESH_ERROR_CODES.reused,
    staleSend,
  };
}
