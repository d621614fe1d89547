/**
 * An API request and 401 recovery as Codex runs them (UnauthorizedRecovery; docs/protocol.md, "401 recovery"):
 *
 *   request(cached access token) --401--> Reload: the guarded reload; Skipped -> permanent error, Changed -> adopt,
 *                                          NoChange -> keep; either way send the request again
 *   request again                --401--> RefreshToken: the design's `recoveryRefresh`; 0.117+ POSTs the
 *                                          cached refresh token with no re-read (refresh_token_from_authority)
 *
 * The race it keeps (R3), as steps: B's request gets 401; B's Reload adopts R1 from disk; A rotates R1 -> R2 and
 * saves; B's second request with R1's access token gets 401; B POSTs R1, already rotated out.
 * Codex sends the request a third time after RefreshToken; recovery is Done whatever it answers and nothing in
 * the manager changes, so this flow ends with RefreshToken (docs/spec.md argues it for the model).
 */
import { decideGuardedReload } from "./decide.js";
import { FLOW_OK, type FlowContext, type FlowResult, flowError } from "./flow-context.js";
import type { ManagerError } from "./types.js";

type Attempt = { kind: "done"; result: FlowResult } | { kind: "unauthorized" };

/** One request with the cached access token: 200 ends the call, 401 asks for the next recovery step. */
async function attempt(context: FlowContext): Promise<Attempt> {
  const snapshot = context.cache().snapshot;
  if (snapshot === null) return { kind: "done", result: flowError(notLoggedIn()) };
  const answer = await context.io.request(snapshot.tokens.accessToken);
  if (answer.kind === "ok") return { kind: "done", result: FLOW_OK };
  if (answer.kind === "unauthorized") return { kind: "unauthorized" };
  return { kind: "done", result: flowError({ kind: "transient", message: answer.message }) };
}

function notLoggedIn(): ManagerError {
  return { kind: "logged-out", message: "not logged in: no cached auth to send" };
}

/**
 * `refreshToken` runs the design's refreshToken() (serialised by the manager's in-process lock, as Codex's
 * refresh_token_from_authority takes it); the request and Reload are not serialised, as in Codex.
 */
export async function requestWithRecovery(
  context: FlowContext,
  refreshToken: () => Promise<FlowResult>,
  postCachedToken: () => Promise<FlowResult>,
): Promise<FlowResult> {
  const first = await attempt(context);
  if (first.kind === "done") return first.result;
  const read = await context.io.readDisk();
  const reload = decideGuardedReload(context.cache(), read, context.rules);
  if (reload.kind === "skipped") return flowError(reload.error);
  if (reload.kind === "changed") context.setCache(reload.cache);
  const second = await attempt(context);
  if (second.kind === "done") return second.result;
  return context.rules.recoveryRefresh === "post-cached-token" ? postCachedToken() : refreshToken();
}
