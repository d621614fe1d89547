/**
 * Proves the pure rotation decision over every case it distinguishes (unknown, revoked, current,
 * immediately previous, older) under every policy: only the current token rotates, only the immediately
 * previous token is ever graced, only an older token under `revokeFamilyOnReuse` revokes, and `staleSend`
 * is exactly "the presented generation is below the current one".
 */
import { describe, expect, it } from "vitest";
import { decideRefresh, type TokenLookup } from "../../server/decide.js";

const known = (generation: number, currentGeneration: number, revoked = false): TokenLookup => ({
  known: true,
  familyId: "family-1",
  generation,
  currentGeneration,
  revoked,
});

const policies = [
  { revokeFamilyOnReuse: false, graceWindow: false },
  { revokeFamilyOnReuse: true, graceWindow: false },
  { revokeFamilyOnReuse: false, graceWindow: true },
  { revokeFamilyOnReuse: true, graceWindow: true },
];

describe("decideRefresh", () => {
  it.each(policies)("with %o, decides every kind of presented token", (policy) => {
    const summary = (lookup: TokenLookup) => {
      const { verdict, action, status, code, staleSend } = decideRefresh(lookup, policy);
      return [verdict, action, status, code, staleSend];
    };
    expect(summary({ known: false })).toEqual(["unknown", "reject", 401, "refresh_token_invalidated", false]);
    expect(summary(known(3, 3))).toEqual(["rotated", "rotate", 200, null, false]);
    expect(summary(known(3, 3, true))).toEqual([
      "revoked",
      "reject",
      401,
      "refresh_token_invalidated",
      false,
    ]);
    expect(summary(known(1, 3, true))).toEqual(["revoked", "reject", 401, "refresh_token_invalidated", true]);
    const reuse = policy.revokeFamilyOnReuse ? "revoke-family" : "reject";
    expect(summary(known(1, 3))).toEqual(["reused", reuse, 401, "refresh_token_reused", true]);
    expect(summary(known(2, 3))).toEqual(
      policy.graceWindow
        ? ["grace", "answer-current", 200, null, true]
        : ["reused", reuse, 401, "refresh_token_reused", true],
    );
  });
});
