/**
 * What the model says about a crash at port call k: an actual walk of the design's model (the explorer's
 * stepper on `makeConfig({variant, processes: 1, faults: ["crash", ...]})`), never a table written by hand.
 *
 * One model process stands for both real processes in turn, because the model's `restart` is exactly "a fresh
 * process loads auth.json": process 0 runs the operation and dies after k - 1 port calls (`crash`), its lock, if
 * it held one, goes stale (`expireLock`, as the harness ages the real lock directory), and the restarted process
 * 0 is the fresh driver that then calls auth(). A second model process would hold an R0 cached before the crash,
 * which no real process of this run holds. A login and a logout are the model's world events: another process
 * writing or removing auth.json in one step (under the lock where the design takes one), so a crash inside one
 * leaves the world either before or after it, which the harness reads from where its write fell.
 *
 * Pure: no I/O, no clock.
 */
import { type ModelConfig, makeConfig } from "../model/config.js";
import { ACCOUNT_NAMES, DISK_ABSENT, DISK_OK, type ModelData } from "../model/data.js";
import type { EventName, Variant } from "../model/vocabulary.js";
import { converged } from "../proofs/invariants.js";
import type { ExplorerState } from "../proofs/state.js";
import { initialState } from "../proofs/state.js";
import { makeStepper, type Stepper } from "../proofs/step.js";

/** The three operations a process is killed inside. */
export const CRASH_OPERATIONS = ["refresh", "login", "logout"] as const;
export type CrashOperation = (typeof CRASH_OPERATIONS)[number];

/** A model process never takes more steps than this in one call: a longer walk is a programmer error. */
export const MODEL_STEPS_MAX = 32;

/** auth.json as the model leaves it: absent, or whose account, and whether it holds its family's current token. */
export type ModelDisk =
  | { kind: "absent" }
  | { kind: "torn" }
  | { kind: "ok"; account: string; current: boolean };

export interface CrashExpectation {
  /** auth.json right after the crash (the orphaned lock aged, before the fresh process starts). */
  diskAfterCrash: ModelDisk;
  /** The crashed process held the cross-process lock (the model's `orphanedLock`). */
  orphanedLock: boolean;
  /** The fresh process's port calls in its auth() call, in order. */
  nextEvents: EventName[];
  /** The fresh process POSTs a refresh token the server already rotated out (NoStaleRefreshSent broken). */
  staleSend: boolean;
  /** Afterwards the process holds a token the server accepts and auth.json one, or the user logged out. */
  converges: boolean;
}

function configFor(variant: Variant, operation: CrashOperation): ModelConfig {
  const faults = operation === "refresh" ? ["crash"] : ["crash", operation];
  return makeConfig({ variant, processes: 1, faults });
}

function diskOf(data: ModelData): ModelDisk {
  if (data.disk.status === DISK_ABSENT) return { kind: "absent" };
  if (data.disk.status !== DISK_OK) return { kind: "torn" };
  const { family, generation, accountId } = data.disk.snapshot;
  return {
    kind: "ok",
    account: ACCOUNT_NAMES[accountId],
    current: data.families[family].current === generation,
  };
}

class Walk {
  readonly stepper: Stepper;
  state: ExplorerState;
  staleSend = false;

  constructor(readonly config: ModelConfig) {
    this.stepper = makeStepper(config);
    this.state = initialState(config.processes);
  }

  offers(event: EventName, process: number): boolean {
    return this.stepper.successor(this.state, event, process) !== undefined;
  }

  take(event: EventName, process: number): void {
    const step = this.stepper.successor(this.state, event, process);
    if (step === undefined) {
      const at = process < 0 ? "the world" : `process ${process} at ${this.state.locations[process]}`;
      throw new Error(`crashpoints: the model of ${this.config.variant} does not offer ${event} to ${at}`);
    }
    if (step.signal === "staleSend") this.staleSend = true;
    this.state = step.next;
  }

  /** Process 0's one next port call, or null once it is idle again. More than one is a programmer error. */
  nextOwnEvent(): EventName | null {
    if (this.state.locations[0] === "idle") return null;
    const own = this.stepper.successors(this.state).filter((step) => step.process === 0 && !step.fault);
    if (own.length !== 1) {
      const names = own.map((step) => step.event).join(", ");
      throw new Error(
        `crashpoints: the model of ${this.config.variant} offers ${own.length} next steps (${names})`,
      );
    }
    return (own[0] as { event: EventName }).event;
  }

  /** Runs process 0 until it is idle; returns the port calls it made. */
  runToIdle(): EventName[] {
    const events: EventName[] = [];
    for (let event = this.nextOwnEvent(); event !== null; event = this.nextOwnEvent()) {
      if (events.length >= MODEL_STEPS_MAX)
        throw new Error(`crashpoints: MODEL_STEPS_MAX (${MODEL_STEPS_MAX}) reached`);
      events.push(event);
      this.take(event, 0);
    }
    return events;
  }
}

/** The port calls of a refresh (refreshToken()) in the design's model, in order. */
export function modelRefreshPath(variant: Variant): EventName[] {
  const walk = new Walk(configFor(variant, "refresh"));
  walk.take("callRefresh", 0);
  return walk.runToIdle();
}

/**
 * The model's account of a crash: for a refresh, the process dies after `completed` port calls of its path; for
 * a login or logout, `effectDone` says whether its write happened before the crash.
 */
export function expectCrash(
  variant: Variant,
  operation: CrashOperation,
  at: { completed: number; effectDone: boolean },
): CrashExpectation {
  const walk = new Walk(configFor(variant, operation));
  if (operation === "refresh") {
    walk.take("callRefresh", 0);
    for (let index = 0; index < at.completed; index += 1) {
      const event = walk.nextOwnEvent();
      if (event === null) break;
      walk.take(event, 0);
    }
  } else if (at.effectDone) {
    walk.take(operation, -1);
  }
  walk.take("crash", 0);
  const orphanedLock = walk.state.data.orphanedLock;
  if (orphanedLock) walk.take("expireLock", -1);
  const diskAfterCrash = diskOf(walk.state.data);
  walk.staleSend = false;
  walk.take("restart", 0);
  // The model offers auth() only on a stale cache: a fresh one, or none (logged out), is answered without I/O.
  let nextEvents: EventName[] = [];
  if (walk.offers("callAuth", 0)) {
    walk.take("callAuth", 0);
    nextEvents = walk.runToIdle();
  }
  return {
    diskAfterCrash,
    orphanedLock,
    nextEvents,
    staleSend: walk.staleSend,
    converges: converged(walk.state, walk.config.server.graceWindow),
  };
}
