/**
 * The client side of held mode: what a program said on the wire, turned back into the manager's own types, so a
 * harness compares a program elsewhere exactly as it compares a manager in its own process. A foreign program's
 * lines are untrusted: every field is checked, and a wrong one is a string saying what is wrong.
 */
import type { AuthResult, AuthSuccess, ManagerError, ManagerErrorKind } from "../manager/types.js";
import type { HeldCall } from "../ports/held.js";
import type { RefreshResult } from "../ports/types.js";
import { makeSnapshot, type Snapshot } from "../storage/index.js";
import type { DriverAuth, DriverError, DriverReply, HeldEvent, HeldResponse } from "./protocol.js";

/** A summary has no tokens: an `ok` answer comes back with empty `tokens` (nobody downstream reads them). */
function refreshResultOf(response: HeldResponse): RefreshResult {
  switch (response.kind) {
    case "ok":
      return { ok: true, status: response.status, tokens: {} };
    case "permanent": {
      const { status, code, reason } = response;
      const message = `HTTP ${status} ${code ?? "(no code)"} (held event)`;
      return { ok: false, failure: { kind: "permanent", reason, status, code, message } };
    }
    case "transient": {
      const { status, cause } = response;
      const message = `transient ${cause}${status === null ? "" : ` ${status}`} (held event)`;
      return { ok: false, failure: { kind: "transient", cause, status, message } };
    }
  }
}

/** A held event as the conductor sees held calls; `open` sends the release. */
export function heldCallOf(event: HeldEvent, open: () => void): HeldCall & { seq: number } {
  const call: HeldCall & { seq: number } = { seq: event.seq, kind: event.kind, open };
  if (event.mode === "remove") call.removes = true;
  else if (event.mode !== undefined) call.mode = event.mode;
  if (event.refreshToken !== undefined) call.refreshToken = event.refreshToken;
  if (event.accessToken !== undefined) call.accessToken = event.accessToken;
  if (event.response !== undefined) call.response = refreshResultOf(event.response);
  return call;
}

/**
 * The cached snapshot rebuilt from the fields the protocol carries (the tokens whole, the account, held mode's
 * lastRefresh): enough to name its token and judge its staleness. The id_token is not carried; a stand-in
 * with the same account is built.
 */
export function snapshotOfAuth(auth: DriverAuth): Snapshot | string {
  const { accessToken, refreshToken, accountId, lastRefresh, poisoned } = auth as Partial<DriverAuth>;
  if (typeof accessToken !== "string" || typeof refreshToken !== "string") return "auth without its tokens";
  if (accountId !== null && typeof accountId !== "string") return "auth.accountId is not a string or null";
  if (typeof poisoned !== "boolean") return "auth.poisoned is not a boolean";
  if (lastRefresh === undefined) return "auth lacks lastRefresh (held mode carries it)";
  if (lastRefresh !== null && (typeof lastRefresh !== "string" || Number.isNaN(Date.parse(lastRefresh)))) {
    return "auth.lastRefresh is not an RFC 3339 time or null";
  }
  return makeSnapshot({ accessToken, refreshToken, accountId, lastRefresh });
}

/**
 * The error kind is the program's word; the conductor only asks whether the call failed and prints the rest,
 * so an unknown kind is kept as it came.
 */
function managerError(error: DriverError): ManagerError {
  const kind = String(error.kind) as ManagerErrorKind;
  const message = String(error.message);
  const reason = error.reason as ManagerError["reason"];
  return reason === undefined ? { kind, message } : { kind, reason, message };
}

/**
 * A call's reply as the manager's result. Transport failures (`driver-*`, synthesised by the client) and
 * `bad-request` are not results of the manager: they are strings, problems of the run.
 */
export function callOutcome(reply: DriverReply): AuthResult | string {
  if (!reply.ok) {
    const error = reply.error as DriverError | undefined;
    if (typeof error !== "object" || error === null) return "replied ok:false without an error";
    const kind = String(error.kind);
    if (kind.startsWith("driver-") || kind === "bad-request") return `${kind}: ${String(error.message)}`;
    return { ok: false, error: managerError(error) };
  }
  if (reply.auth === null) return "replied ok without auth";
  const snapshot = snapshotOfAuth(reply.auth);
  if (typeof snapshot === "string") return `replied with ${snapshot}`;
  const result: AuthSuccess = { ok: true, snapshot, poisoned: reply.auth.poisoned };
  if (reply.refreshError !== undefined) result.refreshError = managerError(reply.refreshError);
  return result;
}
