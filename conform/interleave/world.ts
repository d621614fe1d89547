/**
 * One fast-check run's world: the conductor and the model stepping together (Lockstep), with fast-check's
 * scheduler choosing which process moves next. Every process inside a call holds one *ticket*, a task of the
 * scheduler; when the scheduler releases a ticket, that process takes its next step (the port call it holds,
 * or its restart after a crash). Steps run one at a time through a serial chain, and the scheduler's `act`
 * waits for the chain, so the order the scheduler picked is the order the steps happen in, real I/O included.
 */
import type { Scheduler } from "fast-check";
import { processName } from "../../common/names.js";
import type { Location } from "../../model/branch.js";
import { serverAccepts } from "../../model/data.js";
import type { EventName } from "../../model/vocabulary.js";
import type { RequestRecord } from "../../server/types.js";
import type { StepPlan } from "../conductor.js";
import type { Lockstep, PathStep } from "../lockstep.js";
import { HELD_AT } from "../projection.js";
import { isRealStaleSend } from "../run-path.js";

/** A blocked process (waiting for a lock someone holds) is offered again at most this often per run. */
const BLOCKED_OFFERS_MAX = 500;
/** Steps one run may take before it is declared stuck. */
const RUN_STEPS_MAX = 2_000;

/** Server faults a command queues for the next POST, whoever sends it. */
export type QueuedFault = "serverError" | "loseResponse";

export interface WorldFailure {
  kind: "divergence" | "staleSend" | "stuck";
  message: string;
}

const WORLD = -1;

export class InterleavingWorld {
  /** Every model event taken, in order: the run as a model path. */
  readonly log: PathStep[] = [];
  readonly staleSends: RequestRecord[] = [];
  failure: WorldFailure | null = null;
  readonly queuedFaults: QueuedFault[] = [];
  private readonly ticketed = new Set<number>();
  private chain: Promise<void> = Promise.resolve();
  private blockedOffers = 0;

  constructor(
    readonly lockstep: Lockstep,
    private readonly scheduler: Scheduler,
    /** Processes whose calls the scheduler interleaves (an external rotator, if any, comes after them). */
    readonly callers: number,
    /** A rotated-out token reaching the server fails the run (off: only divergences do, stale sends are counted). */
    private readonly staleSendFails = true,
  ) {}

  get state() {
    return this.lockstep.state;
  }

  /** Runs `work` after everything already queued; errors become the run's failure. */
  enqueue(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work).catch((error: unknown) => {
      this.fail("divergence", `harness error: ${(error as Error).message}`);
    });
    this.chain = next;
    return next;
  }

  /** Resolves once every queued step (and any step it queued in turn) has finished. */
  async quiet(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.chain;
      await new Promise<void>((resolve) => setImmediate(resolve));
      await seen;
    } while (seen !== this.chain);
  }

  /** Would the model take this event now? (No side effects: a command's check.) */
  enabled(event: EventName, process: number): boolean {
    return this.failure === null && this.lockstep.modelStep({ event, process }) !== undefined;
  }

  /** Takes one event on model and implementation; false when the model does not enable it now. */
  async take(event: EventName, process: number, plan: StepPlan = {}): Promise<boolean> {
    if (this.failure !== null) return true;
    if (this.log.length >= RUN_STEPS_MAX) {
      this.fail("stuck", `more than RUN_STEPS_MAX (${RUN_STEPS_MAX}) steps in one run`);
      return true;
    }
    const taken = await this.lockstep.take({ event, process }, plan);
    if (taken.kind === "not-enabled") return false;
    this.log.push({ event, process });
    if (taken.kind === "diverged") {
      this.fail("divergence", `step ${this.log.length} (${processName(process)} ${event}): ${taken.message}`);
      return true;
    }
    for (const record of taken.records) {
      if (!isRealStaleSend(record)) continue;
      this.staleSends.push(record);
      if (!this.staleSendFails) continue;
      const verdict = `${record.status} ${record.code ?? record.verdict}`;
      this.fail(
        "staleSend",
        `step ${this.log.length}: ${processName(process)} sent a rotated-out refresh token (${verdict})`,
      );
    }
    this.offerTickets();
    return true;
  }

  /** Gives every process inside a call (and a dead holder's lock) a ticket, unless it has one. */
  offerTickets(): void {
    if (this.failure !== null) return;
    this.state.locations.slice(0, this.callers).forEach((location, process) => {
      if (location !== "idle") this.ticket(process, location);
    });
    if (this.state.data.orphanedLock) this.ticket(WORLD, "idle");
  }

  private ticket(process: number, location: Location): void {
    if (this.ticketed.has(process)) return;
    this.ticketed.add(process);
    const what = process === WORLD ? "expireLock" : location === "down" ? "restart" : HELD_AT[location];
    const label = `${processName(process)} ${what}`;
    this.scheduler
      .schedule(Promise.resolve(label), label)
      .then(() => this.enqueue(() => this.release(process)));
  }

  /** The scheduler picked this process: it takes the step its location calls for. */
  private async release(process: number): Promise<void> {
    this.ticketed.delete(process);
    if (this.failure !== null) return;
    if (process === WORLD) {
      await this.take("expireLock", WORLD);
      this.offerTickets();
      return;
    }
    const location = this.state.locations[process] as Location;
    if (location === "idle") return;
    const taken =
      location === "down" ? await this.take("restart", process) : await this.takeHeld(process, location);
    if (!taken) {
      this.blockedOffers += 1;
      if (this.blockedOffers > BLOCKED_OFFERS_MAX) {
        this.fail("stuck", `a process waited through BLOCKED_OFFERS_MAX (${BLOCKED_OFFERS_MAX}) offers`);
      }
    }
    this.offerTickets();
  }

  private async takeHeld(process: number, location: Location): Promise<boolean> {
    const held = HELD_AT[location] as EventName;
    if (held !== "sendRefresh") return this.take(held, process);
    const fault = this.queuedFaults.shift();
    if (fault === "serverError" && (await this.take("serverError", process))) return true;
    if (fault === "loseResponse" && !this.serverWouldAccept(process)) {
      // The server drops whatever it answers; a lost 401 would be a different fault from the model's.
      this.queuedFaults.unshift(fault);
    } else if (fault === "loseResponse") {
      const sent = await this.take("sendRefresh", process, { loseResponse: true });
      return sent && (await this.take("loseResponse", process));
    }
    return this.take("sendRefresh", process);
  }

  private serverWouldAccept(process: number): boolean {
    const cache = this.state.data.processes[process]?.cache;
    const grace = this.lockstep.config.server.graceWindow;
    return cache !== undefined && serverAccepts(this.state.data, cache.family, cache.generation, grace);
  }

  fail(kind: WorldFailure["kind"], message: string): void {
    this.failure ??= { kind, message };
  }
}
