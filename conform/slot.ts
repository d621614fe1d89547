/**
 * One process of a conformance run: a manager of the implementation under test, its held ports, and the call
 * it is inside. After every action the slot waits until the manager stops again: at its next held port call,
 * or with its call finished. A manager that neither holds nor finishes within SETTLE_TIMEOUT_MS does I/O
 * behind its ports or waits on a timer, and the run reports that instead of hanging.
 */
import type { AuthResult, CachedAuth } from "../impl/manager/types.js";
import type { AuthImplementation, ManagerUnderTest } from "../impl/plugin/index.js";
import type { AuthPorts } from "../impl/ports/types.js";
import type { CallEvent } from "../model/vocabulary.js";
import type { HeldCall, HeldKind, HoldSink } from "./held-ports.js";

export const SETTLE_TIMEOUT_MS = 5_000;

export interface CallRecord {
  event: CallEvent;
  settled: boolean;
  result?: AuthResult;
  /** The call threw: a programmer error in the implementation. */
  thrown?: string;
}

/** What a process is doing between two steps. */
export type SlotStatus =
  | { kind: "down" }
  | { kind: "idle" }
  | { kind: "held"; call: HeldCall }
  | { kind: "broken"; problem: string };

const CALL_METHODS: Record<CallEvent, (manager: ManagerUnderTest) => Promise<AuthResult>> = {
  callAuth: (manager) => manager.auth(),
  callRefresh: (manager) => manager.refreshToken(),
  callUnauthorized: (manager) => manager.unauthorized(),
};

/**
 * One process as the conductor drives it. Two kinds exist: a manager in this Node process behind held ports
 * (InProcessSlot), and a program speaking the JSON-line driver protocol in held mode (see remote-slot.ts).
 * Each action resolves once the process has stopped again, or with a one-line problem.
 */
export interface ProcessSlot {
  readonly name: string;
  /** The call in progress or last finished (null before the first call and after a crash). */
  readonly call: CallRecord | null;
  status(): SlotStatus;
  /** Constructs the manager (the model's restart): its one read of auth.json is part of this step. */
  load(): Promise<string | null>;
  /** Starts a call and waits for its first held port call (or its end). */
  start(event: CallEvent): Promise<string | null>;
  /** Opens the held call of `kind`, which must be the one held. */
  release(kind: HeldKind): Promise<string | null>;
  /** The process dies: its manager, held call and call in progress are gone. */
  crash(): Promise<void>;
  /**
   * The run is over: like `crash` for the run, but a process that can be reset may be kept for the next run of
   * the session (remote slots). Absent: the conductor crashes the slot.
   */
  retire?(): Promise<void>;
  /** No I/O: what the manager caches (null when down). */
  cached(): Promise<CachedAuth | null>;
}

export class InProcessSlot implements ProcessSlot {
  manager: ManagerUnderTest | null = null;
  held: HeldCall | null = null;
  call: CallRecord | null = null;
  /** A problem the slot saw outside any step (two held calls at once, a load that failed). */
  problem: string | null = null;
  private incarnation = 0;
  private wake: (() => void) | null = null;
  /** The ports of the manager now loaded (or loading): a crash drops what its process would lose. */
  private ports: AuthPorts | null = null;

  constructor(
    readonly name: string,
    private readonly implementation: AuthImplementation,
    private readonly makePorts: (sink: HoldSink) => AuthPorts,
  ) {}

  status(): SlotStatus {
    if (this.problem !== null) return { kind: "broken", problem: this.problem };
    if (this.manager === null) return { kind: "down" };
    if (this.held !== null) return { kind: "held", call: this.held };
    return { kind: "idle" };
  }

  async load(): Promise<string | null> {
    const incarnation = this.reset();
    let loaded: ManagerUnderTest | null = null;
    let failure: string | null = null;
    const stop = this.nextStop();
    this.ports = this.makePorts(this.sinkFor(incarnation));
    this.implementation.load({ ports: this.ports, name: this.name }).then(
      (manager) => {
        loaded = manager;
        this.wake?.();
      },
      (error: unknown) => {
        failure = `load threw: ${(error as Error).message}`;
        this.wake?.();
      },
    );
    if (!(await stop)) return `${this.name}: loading did not reach its read of auth.json`;
    const read = this.held as HeldCall | null;
    if (read === null) return failure ?? `${this.name}: loaded without reading auth.json`;
    if (read.kind !== "readDisk") return `${this.name}: loading began with ${read.kind}, not readDisk`;
    const done = this.nextStop();
    this.held = null;
    read.open();
    if (!(await done)) return `${this.name}: loading did not finish after its read`;
    if (this.held !== null)
      return `${this.name}: loading held ${(this.held as HeldCall).kind} after its read`;
    if (failure !== null) return failure;
    this.manager = loaded;
    return loaded === null ? `${this.name}: load resolved nothing` : null;
  }

  async start(event: CallEvent): Promise<string | null> {
    const manager = this.manager;
    if (manager === null) return `${this.name} is down`;
    if (this.held !== null || (this.call !== null && !this.call.settled)) {
      return `${this.name} is still inside ${this.call?.event ?? "a call"}`;
    }
    const incarnation = this.incarnation;
    const record: CallRecord = { event, settled: false };
    this.call = record;
    const stop = this.nextStop();
    CALL_METHODS[event](manager).then(
      (result) => this.settle(incarnation, record, { result }),
      (error: unknown) =>
        this.settle(incarnation, record, { thrown: String((error as Error)?.stack ?? error) }),
    );
    return (await stop) ? null : `${this.name}: ${event} neither held a port call nor returned`;
  }

  async release(kind: HeldKind): Promise<string | null> {
    const held = this.held;
    if (held === null) return `${this.name} holds no port call, the model expects ${kind}`;
    if (held.kind !== kind) return `${this.name} holds ${held.kind}, the model expects ${kind}`;
    const stop = this.nextStop();
    this.held = null;
    held.open();
    return (await stop) ? null : `${this.name}: after ${kind} it neither held a port call nor returned`;
  }

  /**
   * The manager, its held call and its call in progress are dropped and never resumed; what the kernel frees
   * when a process dies (an flock) is freed, what stays on disk (a lock directory) stays.
   */
  async crash(): Promise<void> {
    const ports = this.ports;
    this.ports = null;
    this.reset();
    await ports?.lock.abandon?.();
  }

  async cached(): Promise<CachedAuth | null> {
    return this.manager === null ? null : this.manager.cached();
  }

  private reset(): number {
    this.incarnation += 1;
    this.manager = null;
    this.held = null;
    this.call = null;
    this.problem = null;
    return this.incarnation;
  }

  private sinkFor(incarnation: number): HoldSink {
    return (call) => {
      if (incarnation !== this.incarnation) return; // a crashed manager's call: never opened
      if (this.held !== null)
        this.problem = `${this.name} held ${call.kind} while ${this.held.kind} was held`;
      this.held = call;
      this.wake?.();
    };
  }

  private settle(incarnation: number, record: CallRecord, outcome: Partial<CallRecord>): void {
    if (incarnation !== this.incarnation) return;
    Object.assign(record, outcome, { settled: true });
    this.wake?.();
  }

  /** Resolves true at the next stop, false after SETTLE_TIMEOUT_MS. */
  private nextStop(): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve(false);
      }, SETTLE_TIMEOUT_MS);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve(true);
      };
    });
  }
}
