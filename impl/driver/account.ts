/**
 * The driver's `login` and `logout` commands: what `codex login` and `codex logout` do to auth.json, done by the
 * driver process through its own ports (so held mode announces each port call and a crash can land between
 * any two). A login writes the given tokens atomically with last_refresh = the driver's clock; a logout removes
 * auth.json. With `underLock` each takes the auth.json lock around its write, as the designs with a file lock
 * expect every writer to (the model's login and logout wait for a free lock there). The driver's own auth
 * manager is not touched: like another process's login, it shows only through a later read.
 *
 * The ports are a set of their own (their own lock instance), so a login never collides with a refresh of the
 * manager in the same driver.
 */
import type { AuthPorts, DiskWriteResult, LockResult } from "../ports/types.js";
import { makeSnapshot } from "../storage/index.js";
import type { DriverTraceEvent, LoginTokens } from "./protocol.js";

export type AccountResult = { ok: true } | { ok: false; message: string };

type AccountRequest =
  | { cmd: "login"; tokens: LoginTokens; underLock: boolean }
  | { cmd: "logout"; underLock: boolean };

function lockDetail(result: LockResult): string {
  return result.ok ? "ok" : result.error.kind;
}

/** The write itself: one port call, traced as writeDisk (`atomic`, or `remove` for a logout). */
async function change(
  request: AccountRequest,
  ports: AuthPorts,
  trace: DriverTraceEvent[],
): Promise<DiskWriteResult> {
  if (request.cmd === "logout") {
    const removed = await ports.disk.remove();
    trace.push({ event: "writeDisk", detail: removed.ok ? "remove" : "remove failed" });
    return removed;
  }
  const { tokens } = request;
  const snapshot = makeSnapshot({ ...tokens, lastRefresh: ports.clock.nowMs() });
  const written = await ports.disk.write(snapshot, "atomic");
  trace.push({ event: "writeDisk", detail: written.ok ? "atomic" : "atomic failed" });
  return written;
}

export async function runAccountCommand(
  request: AccountRequest,
  ports: AuthPorts,
  trace: DriverTraceEvent[],
): Promise<AccountResult> {
  if (request.underLock) {
    const acquired = await ports.lock.acquire();
    trace.push({ event: "acquireLock", detail: lockDetail(acquired) });
    if (!acquired.ok)
      return { ok: false, message: `${request.cmd}: lock not taken: ${acquired.error.message}` };
  }
  let changed: DiskWriteResult;
  try {
    changed = await change(request, ports, trace);
  } finally {
    if (request.underLock)
      trace.push({ event: "releaseLock", detail: lockDetail(await ports.lock.release()) });
  }
  return changed.ok ? { ok: true } : { ok: false, message: `${request.cmd}: ${changed.error.message}` };
}
