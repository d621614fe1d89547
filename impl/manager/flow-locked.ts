/**
 * The flow with a lock across the refresh (docs/protocol.md): one cross-process lock held from the re-read to the atomic
 * save, and the POST spends the refresh token read under that lock, never a cached one. Why it closes R1:
 *   1. A takes the lock, reads R0, POSTs R0 (200), writes R1 atomically, releases.
 *   2. B, waiting on the lock meanwhile, takes it and reads R1: changed and fresh -> adopts R1, no POST.
 * Three mutants (docs/mutation.md) break it here, each through one rule: no-reread-after-lock (step 2 POSTs
 * B's cached R0), unlock-before-save (A releases between its 200 and its save, so B reads R0), save-in-place
 * (the save truncates auth.json, and a crash mid-write leaves it torn).
 */
import type { Snapshot } from "../storage/index.js";
import { withRefreshedTokens } from "../storage/index.js";
import { replaceCache } from "./cache.js";
import { decideLockedRead, decidePost, decideResponse } from "./decide.js";
import { lockError, persistError } from "./errors.js";
import { FLOW_OK, type FlowContext, type FlowResult, flowError } from "./flow-context.js";
import { refreshTimestamp } from "./staleness.js";

/** Releases the lock once: early (unlock-before-save) or when the flow ends, never twice. */
type Release = () => Promise<void>;

/** A release reporting the lock compromised does not undo a save already made; the trace shows it. */
export async function lockedRefresh(context: FlowContext): Promise<FlowResult> {
  const acquired = await context.io.acquireLock();
  if (!acquired.ok) return flowError(lockError(acquired.error));
  let released = false;
  const release: Release = async () => {
    if (released) return;
    released = true;
    await context.io.releaseLock();
  };
  try {
    return await refreshUnderLock(context, release);
  } finally {
    await release();
  }
}

async function refreshUnderLock(context: FlowContext, release: Release): Promise<FlowResult> {
  if (!context.rules.rereadsAfterLock) return postCachedToken(context, release);
  const read = await context.io.readDisk();
  const decision = decideLockedRead(context.cache(), read, context.rules, context.clock.nowMs());
  if (decision.kind === "skipped") return flowError(decision.error);
  context.setCache(decision.cache);
  if (decision.kind === "adopt") return FLOW_OK;
  if (decision.kind === "fail") return flowError(decision.error);
  return postAndSave(context, decision.base, release);
}

/** The mutant no-reread-after-lock: no read under the lock; POST the cached token (poisoned: fail fast). */
async function postCachedToken(context: FlowContext, release: Release): Promise<FlowResult> {
  const post = decidePost(context.cache(), context.rules);
  if (post.kind === "fail") return flowError(post.error);
  return postAndSave(context, post.snapshot, release);
}

/** Steps 5-6: POST the token just read, then write atomically and cache exactly what was written. */
async function postAndSave(context: FlowContext, base: Snapshot, release: Release): Promise<FlowResult> {
  const response = await context.io.refresh(base.tokens.refreshToken);
  const decision = decideResponse(context.cache(), base, response, context.rules);
  if (decision.kind === "fail") {
    context.setCache(decision.cache);
    return flowError(decision.error);
  }
  if (context.rules.releaseBeforeSave) await release();
  const snapshot = withRefreshedTokens(base, decision.tokens, refreshTimestamp(context.clock.nowMs()));
  const written = await context.io.writeDisk(snapshot, context.rules.writeMode);
  if (!written.ok) return flowError(persistError(written.error.message));
  context.setCache(replaceCache(context.cache(), snapshot, context.rules));
  return FLOW_OK;
}
