/**
 * The `locked` flow (docs/protocol.md, "locked"): one cross-process lock held from the re-read to the atomic
 * save, and the POST spends the refresh token read under that lock, never a cached one. Why it closes R1:
 *   1. A takes the lock, reads R0, POSTs R0 (200), writes R1 atomically, releases.
 *   2. B, waiting on the lock meanwhile, takes it and reads R1: changed and fresh -> adopts R1, no POST.
 */
import type { Snapshot } from "../storage/index.js";
import { withRefreshedTokens } from "../storage/index.js";
import { replaceCache } from "./cache.js";
import { decideLockedRead, decideResponse } from "./decide.js";
import { lockError, persistError } from "./errors.js";
import { FLOW_OK, type FlowContext, type FlowResult, flowError } from "./flow-context.js";
import { refreshTimestamp } from "./staleness.js";

/** A release reporting the lock compromised does not undo a save already made; the trace shows it. */
export async function lockedRefresh(context: FlowContext): Promise<FlowResult> {
  const acquired = await context.io.acquireLock();
  if (!acquired.ok) return flowError(lockError(acquired.error));
  try {
    return await refreshUnderLock(context);
  } finally {
    await context.io.releaseLock();
  }
}

async function refreshUnderLock(context: FlowContext): Promise<FlowResult> {
  const read = await context.io.readDisk();
  const decision = decideLockedRead(context.cache(), read, context.rules, context.clock.nowMs());
  if (decision.kind === "skipped") return flowError(decision.error);
  context.setCache(decision.cache);
  if (decision.kind === "adopt") return FLOW_OK;
  if (decision.kind === "fail") return flowError(decision.error);
  return postAndSave(context, decision.base);
}

/** Steps 5-6: POST the token just read, then write atomically and cache exactly what was written. */
async function postAndSave(context: FlowContext, base: Snapshot): Promise<FlowResult> {
  const response = await context.io.refresh(base.tokens.refreshToken);
  const decision = decideResponse(context.cache(), base, response, context.rules);
  if (decision.kind === "fail") {
    context.setCache(decision.cache);
    return flowError(decision.error);
  }
  const snapshot = withRefreshedTokens(base, decision.tokens, refreshTimestamp(context.clock.nowMs()));
  const written = await context.io.writeDisk(snapshot, "atomic");
  if (!written.ok) return flowError(persistError(written.error.message));
  context.setCache(replaceCache(context.cache(), snapshot));
  return FLOW_OK;
}
