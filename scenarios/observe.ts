/**
 * Asking processes and recording what they hold: the seed's `cached_before`, `returned`, `cached_after`.
 * Observations keep whole tokens so report.ts can judge them against the server's family; nothing here prints.
 *
 * A transport failure (timeout, the process died) stops the scenario; an auth-manager error is an
 * observation (the reply still carries the cached auth) and shows up in the report.
 */
import type { DriverProcess } from "../impl/driver/client.js";
import type { DriverAuth, DriverReply } from "../impl/driver/protocol.js";

/** The reference client names transport failures `driver-*` (codex/driver.ts maps Codex's to the same). */
const TRANSPORT_ERROR_PREFIX = "driver-";

export interface Observation {
  cachedBefore: DriverAuth | null;
  returned: DriverAuth | null;
  cachedAfter: DriverAuth | null;
  /** The error the call reported, already redacted by the process. */
  error: string | null;
}

export type ObserveResult = { ok: true; observations: Observation[] } | { ok: false; problem: string };

function transportProblem(process: DriverProcess, verb: string, reply: DriverReply): string | null {
  if (reply.ok || !reply.error.kind.startsWith(TRANSPORT_ERROR_PREFIX)) return null;
  return `${process.name}.${verb}(): ${reply.error.kind}: ${reply.error.message}`;
}

/**
 * What a process has cached, without I/O. An implementation that cannot tell (a Codex app-server answers
 * `unsupported`) reads as null; only a transport failure is a problem.
 */
async function cachedOf(
  process: DriverProcess,
): Promise<{ auth: DriverAuth | null; problem: string | null }> {
  const reply = await process.cached();
  return { auth: reply.ok ? reply.auth : null, problem: transportProblem(process, "cached", reply) };
}

function errorOf(reply: DriverReply): string | null {
  if (!reply.ok) return `${reply.error.kind}: ${reply.error.message}`;
  return reply.refreshError === undefined
    ? null
    : `${reply.refreshError.kind}: ${reply.refreshError.message}`;
}

/**
 * Calls `auth()` on every process at once: each command is written before any reply is awaited, so the
 * processes race exactly as two Codex processes asked at the same moment. With one process this is the
 * seed's "then B is asked".
 */
export async function askAuthTogether(processes: readonly DriverProcess[]): Promise<ObserveResult> {
  const before = await Promise.all(processes.map(cachedOf));
  const replies = await Promise.all(
    processes.map(async (process) => {
      const reply = await process.auth();
      return { reply, problem: transportProblem(process, "auth", reply) };
    }),
  );
  const after = await Promise.all(processes.map(cachedOf));
  const problems = [...before, ...replies, ...after]
    .map((step) => step.problem)
    .filter((problem): problem is string => problem !== null);
  if (problems.length > 0) return { ok: false, problem: problems.join("; ") };
  const observations = replies.map(({ reply }, index) => ({
    cachedBefore: before[index]?.auth ?? null,
    returned: reply.auth,
    cachedAfter: after[index]?.auth ?? null,
    error: errorOf(reply),
  }));
  return { ok: true, observations };
}
