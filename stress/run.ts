/**
 * Running one stress run: K real processes (one auth manager each) on one auth.json and one token server with
 * family revocation on, each making its planned calls one after another with the planned pauses; re-login after
 * a revocation; then the report. The world is always torn down.
 *
 * Each process has one call in flight at a time (its in-process lock is the variants' business and is covered
 * by the driver tests); the processes run at once, so their refreshes race as separate Codex processes' do.
 */
import type { DriverProcess } from "../impl/driver/client.js";
import type { DriverReply } from "../impl/driver/protocol.js";
import { checkStressSettings, STRESS_LIMITS, type StressSettings } from "./limits.js";
import { measureDriverMemory } from "./memory.js";
import { implementationOf, type StressFactory } from "./mix.js";
import { type PlannedCall, planCalls, type StressCall } from "./plan.js";
import { Relogin } from "./relogin.js";
import { buildStressReport, type StressReport } from "./report.js";
import { addReply, type CallTally, emptyTally, isPermanentFailure, isTransportFailure } from "./tally.js";
import { openStressWorld, type StressWorldSetup } from "./world.js";

export interface StressRunOptions extends StressWorldSetup {
  /** Called after every answered call: calls answered so far, calls planned. */
  onProgress?: (done: number, total: number) => void;
}

export type StressRunResult = { ok: true; report: StressReport } | { ok: false; problem: string };

function sleep(durationMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, durationMs));
}

function send(process: DriverProcess, call: StressCall): Promise<DriverReply> {
  switch (call) {
    case "auth":
      return process.auth();
    case "refresh":
      return process.refresh();
    case "unauthorized":
      return process.unauthorized();
  }
}

interface Drive {
  tally: CallTally;
  relogin: Relogin;
  answered: () => void;
  /** The server's 401s so far, and how many of them a re-login check has followed. */
  rejections: () => number;
  rejectionsChecked: number;
}

/**
 * A re-login is checked after a call that failed for good, and after any call during which the server answered
 * a 401: a Codex app-server reports no refresh failure (getAuthStatus answers with the cache, or null), so its
 * replies alone would never show that the family was revoked.
 */
function needsReloginCheck(reply: DriverReply, drive: Drive): boolean {
  const rejections = drive.rejections();
  const newRejection = rejections > drive.rejectionsChecked;
  drive.rejectionsChecked = rejections;
  return isPermanentFailure(reply) || newRejection;
}

/** One process's planned calls; resolves with a problem when the process died or stopped answering. */
async function driveProcess(process: DriverProcess, plan: readonly PlannedCall[], drive: Drive) {
  for (const step of plan) {
    if (step.delayMs > 0) await sleep(step.delayMs);
    const reply = await send(process, step.call);
    addReply(drive.tally, step.call, reply);
    drive.answered();
    if (isTransportFailure(reply)) {
      return `${process.name}.${step.call}(): ${reply.error.kind}: ${reply.error.message}`;
    }
    if (needsReloginCheck(reply, drive)) await drive.relogin.check();
  }
  return null;
}

export async function runStress(
  factory: StressFactory,
  settings: StressSettings,
  options: StressRunOptions = {},
): Promise<StressRunResult> {
  const invalid = checkStressSettings(settings);
  if (invalid !== null) throw new RangeError(`runStress: ${invalid}`);
  const plans = planCalls(settings);
  const startedAtMs = Date.now();
  const opened = await openStressWorld(factory, settings, options);
  if (!opened.ok) return opened;
  const { world } = opened;
  try {
    const total = settings.processes * settings.calls;
    let done = 0;
    const drive: Drive = {
      tally: emptyTally(),
      relogin: new Relogin(world.server, world.authFile, STRESS_LIMITS.reloginsMax),
      answered: () => {
        done += 1;
        options.onProgress?.(done, total);
      },
      rejections: () => world.rejections(),
      rejectionsChecked: 0,
    };
    const callsStartedAtMs = Date.now();
    const outcomes = await Promise.all(
      world.processes.map((process, index) => driveProcess(process, plans[index] ?? [], drive)),
    );
    const callsElapsedMs = Date.now() - callsStartedAtMs;
    // Before the processes exit: their peak resident sets, as the kernel kept them.
    const memory = await measureDriverMemory(world.processes.map((process) => process.pid));
    const problems = outcomes.filter((problem): problem is string => problem !== null);
    if (drive.relogin.stopped !== null) problems.push(drive.relogin.stopped);
    const report = buildStressReport({
      processes: world.processes.map(({ name }) => ({
        name,
        implementation: implementationOf(factory, name),
      })),
      implementation: factory.name,
      variant: factory.variant,
      settings,
      records: world.server.requests(),
      state: world.server.state(),
      tally: drive.tally,
      relogins: drive.relogin.count,
      elapsedMs: Date.now() - startedAtMs,
      callsElapsedMs,
      memory,
      problems,
    });
    return { ok: true, report };
  } finally {
    await world.close();
  }
}
