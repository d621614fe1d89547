/**
 * One process of a conformance run that is another program: an OS process speaking the JSON-line driver
 * protocol in held mode (docs/driver-protocol.md, "Held mode"). It announces every port call as a held event
 * and waits for `release`; its clock is the run's, sent before every action that changed it. A crash is a
 * real one: SIGKILL, so a lock it held stays on disk with nobody refreshing it (the model's orphaned lock).
 *
 * Every wait is bounded by SETTLE_TIMEOUT_MS, as in process. Any problem (a timeout, an unexpected exit, a
 * malformed or refused line) breaks the slot with a one-line message and kills the process at once; the
 * conductor's dispose crashes every slot, so no process outlives its run.
 */
import {
  DRIVER_READY_TIMEOUT_MS,
  type DriverMessage,
  type JsonLineDriver,
  startDriver,
} from "../impl/driver/client.js";
import { callOutcome, heldCallOf, snapshotOfAuth } from "../impl/driver/held-wire.js";
import { type DriverReply, parseHeldEvent } from "../impl/driver/protocol.js";
import type { CachedAuth } from "../impl/manager/types.js";
import type { HeldCall, HeldKind } from "../impl/ports/held.js";
import type { CallEvent } from "../model/vocabulary.js";
import { attach, type DriverPool, type PooledDriver, pooledDriver } from "./remote-pool.js";
import { type CallRecord, type ProcessSlot, SETTLE_TIMEOUT_MS, type SlotStatus } from "./slot.js";
import type { SlotRequest } from "./subject.js";
import { LOCK_STALE_CONDUCTOR_MS } from "./world-actions.js";

/** What held mode adds to `--home <dir> --name <label>`: the conductor's lock settings (see subject.ts). */
export const HELD_MODE_ARGUMENTS: readonly string[] = [
  "--held",
  "--lock-stale-ms",
  String(LOCK_STALE_CONDUCTOR_MS),
  "--lock-retries",
  "0",
];

/**
 * The client's own reply timeout is only a backstop: a call stays in flight while the model moves other
 * processes, and every step's wait is bounded by SETTLE_TIMEOUT_MS anyway.
 */
const CALL_REPLY_BACKSTOP_MS = 10 * 60_000;
/**
 * The first wait of a load covers starting the program (for the reference driver: node and its imports, a few
 * hundred ms idle, seconds on a busy machine), which is not a step; it gets the driver client's ready timeout.
 */
const START_TIMEOUT_MS = DRIVER_READY_TIMEOUT_MS;
/** How long a SIGKILLed process may take to be reaped before the slot stops waiting for it. */
const KILL_WAIT_MS = 5_000;
/** Characters of the program's last stderr line quoted in a problem. */
const STDERR_QUOTED_CHARACTERS = 200;

const CALL_COMMANDS: Record<CallEvent, (driver: JsonLineDriver) => Promise<DriverReply>> = {
  callAuth: (driver) => driver.auth(),
  callRefresh: (driver) => driver.refresh(),
  callUnauthorized: (driver) => driver.unauthorized(),
};

/** One process serving one run's process; a restart makes a new one, and events of an old one are ignored. */
interface Incarnation {
  pooled: PooledDriver;
  driver: JsonLineDriver;
  /** The ready line, once printed (the manager is loaded). */
  ready: DriverMessage | null;
  /** The clock value last sent (null: none yet). */
  clockSentMs: number | null;
}

type RemoteHeld = HeldCall & { seq: number };

/**
 * The line of a program's stderr that says why it ended: the last one starting with an error name (Node ends an uncaught
 * exception's report with its version), else the last one.
 */
export function stderrGist(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const gist = lines.findLast((line) => /^\w*Error\b/.test(line)) ?? lines[lines.length - 1];
  return gist === undefined ? "" : `: ${gist.slice(0, STDERR_QUOTED_CHARACTERS)}`;
}

/** The promise's value, or undefined after `timeoutMs` (the timer is cleared either way). */
async function within<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export class RemoteSlot implements ProcessSlot {
  call: CallRecord | null = null;
  private held: RemoteHeld | null = null;
  private problem: string | null = null;
  private process: Incarnation | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly command: readonly string[],
    private readonly request: SlotRequest,
    /** Where processes wait between runs (null: every load spawns, every run's end kills). */
    private readonly pool: DriverPool | null = null,
  ) {}

  get name(): string {
    return this.request.name;
  }

  status(): SlotStatus {
    if (this.problem !== null) return { kind: "broken", problem: this.problem };
    if (this.process?.ready == null) return { kind: "down" };
    if (this.held !== null) return { kind: "held", call: this.held };
    return { kind: "idle" };
  }

  /**
   * Spawns the program, or resets one parked by an earlier run of the session onto this run's CODEX_HOME; its
   * first event must be the held read of auth.json, then its ready line.
   */
  async load(): Promise<string | null> {
    await this.kill(false);
    const { name, home } = this.request;
    const taken = this.pool?.take(name, home) ?? null;
    const pooled = taken?.pooled ?? pooledDriver(this.spawn(), home);
    const { driver } = pooled;
    const incarnation: Incarnation = { pooled, driver, ready: null, clockSentMs: null };
    this.process = incarnation;
    if (taken?.needsReset === true) {
      driver.reset(home);
      pooled.home = home;
    }
    pooled.spare = false;
    attach(
      pooled,
      (message) => this.receive(incarnation, message),
      () => this.exited(incarnation),
    );
    this.sendClock(incarnation);
    const started = () => this.held !== null || incarnation.ready !== null;
    // A fresh start (or a spare still starting) may take node's start-up; a reset process answers at once.
    const firstWaitMs = taken?.needsReset === true ? SETTLE_TIMEOUT_MS : START_TIMEOUT_MS;
    const first = await this.settle(started, "no held read of auth.json", firstWaitMs);
    if (first !== null) return first;
    const read = this.held;
    if (read === null)
      return this.breaks(`${name} printed its ready line before any held read (no held mode)`);
    if (read.kind !== "readDisk")
      return this.breaks(`${name}: loading began with ${read.kind}, not readDisk`);
    this.held = null;
    driver.release(read.seq);
    const loaded = await this.settle(() => this.held !== null || incarnation.ready !== null, "no ready line");
    if (loaded !== null) return loaded;
    const after = this.heldNow(); // (a method call: TypeScript keeps `this.held` narrowed to null otherwise)
    if (after !== null) return this.breaks(`${name}: loading held ${after.kind} after its read`);
    if (incarnation.ready?.held !== true) return this.breaks(`${name}: its ready line lacks "held":true`);
    return null;
  }

  async start(event: CallEvent): Promise<string | null> {
    const incarnation = this.process;
    if (incarnation?.ready == null) return `${this.name} is down`;
    if (this.held !== null || (this.call !== null && !this.call.settled)) {
      return `${this.name} is still inside ${this.call?.event ?? "a call"}`;
    }
    const record: CallRecord = { event, settled: false };
    this.call = record;
    this.sendClock(incarnation);
    CALL_COMMANDS[event](incarnation.driver).then((reply) => this.settleCall(incarnation, record, reply));
    return this.settle(() => this.held !== null || record.settled, `${event} neither held nor replied`);
  }

  async release(kind: HeldKind): Promise<string | null> {
    const incarnation = this.process;
    const held = this.held;
    if (incarnation === null || held === null) {
      return `${this.name} holds no port call, the model expects ${kind}`;
    }
    if (held.kind !== kind) return `${this.name} holds ${held.kind}, the model expects ${kind}`;
    this.held = null;
    this.sendClock(incarnation);
    incarnation.driver.release(held.seq);
    const call = this.call;
    return this.settle(
      () => this.held !== null || call?.settled === true,
      `after ${kind} it neither held a port call nor replied`,
    );
  }

  /**
   * The run is over: a healthy process that can reset is parked for the session's next run (its held call is
   * dropped by that reset, as by a crash); any other is killed.
   */
  async retire(): Promise<void> {
    const incarnation = this.process;
    const reusable =
      incarnation !== null &&
      this.problem === null &&
      incarnation.ready?.reset === true &&
      incarnation.driver.exitedWith === null;
    if (reusable && this.pool?.park(this.name, incarnation.pooled) === true) {
      this.process = null;
      this.held = null;
      this.call = null;
      return;
    }
    await this.kill(false);
  }

  /**
   * The model's crash: SIGKILL (its process group); whatever it held, the lock directory included, stays as it
   * was. A healthy program that can reset gets a spare started on this run's home for the restart.
   */
  async crash(): Promise<void> {
    await this.kill(true);
  }

  private async kill(startSpare: boolean): Promise<void> {
    const incarnation = this.process;
    const healthy = this.problem === null && incarnation?.ready?.reset === true;
    this.process = null;
    this.held = null;
    this.call = null;
    this.problem = null;
    if (incarnation === null) return;
    await within(incarnation.driver.kill(), KILL_WAIT_MS);
    if (startSpare && healthy && this.pool?.hasRoom(this.name) === true) {
      this.pool.addSpare(this.name, pooledDriver(this.spawn(), this.request.home, true));
    }
  }

  async cached(): Promise<CachedAuth | null> {
    const incarnation = this.process;
    if (incarnation?.ready == null || incarnation.driver.exitedWith !== null) return null;
    const reply = await within(incarnation.driver.cached(), SETTLE_TIMEOUT_MS);
    if (incarnation !== this.process) return null;
    if (reply === undefined) {
      this.breaks(`${this.name}: no reply to cached within ${SETTLE_TIMEOUT_MS} ms (SETTLE_TIMEOUT_MS)`);
      return null;
    }
    if (!reply.ok) {
      this.breaks(`${this.name}: cached failed (${reply.error.kind}: ${reply.error.message})`);
      return null;
    }
    if (reply.auth === null) return { snapshot: null, poisoned: false };
    const snapshot = snapshotOfAuth(reply.auth);
    if (typeof snapshot === "string") {
      this.breaks(`${this.name}: cached ${snapshot}`);
      return null;
    }
    return { snapshot, poisoned: reply.auth.poisoned };
  }

  private spawn(): JsonLineDriver {
    const { home, tokenUrl, name } = this.request;
    return startDriver({
      home,
      name,
      tokenUrl,
      command: this.command,
      extraArguments: HELD_MODE_ARGUMENTS,
      processGroup: true,
      replyTimeoutMs: CALL_REPLY_BACKSTOP_MS,
      replyTimeoutLimit: "CALL_REPLY_BACKSTOP_MS",
    });
  }

  private heldNow(): RemoteHeld | null {
    return this.held;
  }

  private receive(incarnation: Incarnation, message: DriverMessage): void {
    if (incarnation !== this.process) return; // a crashed process's last words
    if (message.ready === true) {
      incarnation.ready = message;
    } else if ("held" in message) {
      const event = parseHeldEvent(message.held);
      if (typeof event === "string") this.breaks(`${this.name}: malformed held event (${event})`);
      else if (this.held !== null)
        this.breaks(`${this.name} held ${event.kind} while ${this.held.kind} was held`);
      else this.held = heldCallOf(event, () => incarnation.driver.release(event.seq));
    } else if (message.ok === false) {
      const error = message.error as { message?: unknown } | undefined;
      this.breaks(`${this.name} refused a line: ${String(error?.message ?? JSON.stringify(message))}`);
    }
    this.wake?.();
  }

  private settleCall(incarnation: Incarnation, record: CallRecord, reply: DriverReply): void {
    if (incarnation !== this.process) return;
    const result = callOutcome(reply);
    if (typeof result === "string") this.breaks(`${this.name}: ${record.event} ${result}`);
    else Object.assign(record, { result, settled: true });
    this.wake?.();
  }

  private exited(incarnation: Incarnation): void {
    if (incarnation !== this.process) return; // crashed on purpose
    const exit = incarnation.driver.exitedWith;
    const said = stderrGist(incarnation.driver.stderr());
    this.breaks(`${this.name} exited (code ${exit?.code ?? null}, signal ${exit?.signal ?? null})${said}`);
    this.wake?.();
  }

  /** Sends the run's time when it differs from what this process was last told. */
  private sendClock(incarnation: Incarnation): void {
    const nowMs = this.request.clock.nowMs();
    if (incarnation.clockSentMs === nowMs) return;
    incarnation.driver.setClock(nowMs);
    incarnation.clockSentMs = nowMs;
  }

  /** Records the first problem and kills the process: a program the harness lost track of must not go on. */
  private breaks(problem: string): string {
    if (this.problem === null) this.problem = problem;
    const incarnation = this.process;
    if (incarnation !== null) void incarnation.driver.kill();
    return this.problem;
  }

  /**
   * Resolves null once `stopped()` holds, or with the slot's problem; after `timeoutMs` the slot breaks with
   * `${name}: ${what} within ... ms`.
   */
  private settle(
    stopped: () => boolean,
    what: string,
    timeoutMs = SETTLE_TIMEOUT_MS,
  ): Promise<string | null> {
    const limit = timeoutMs === SETTLE_TIMEOUT_MS ? "SETTLE_TIMEOUT_MS" : "START_TIMEOUT_MS";
    return new Promise<string | null>((resolve) => {
      const finish = (result: string | null) => {
        clearTimeout(timer);
        this.wake = null;
        resolve(result);
      };
      const timer = setTimeout(
        () => finish(this.breaks(`${this.name}: ${what} within ${timeoutMs} ms (${limit})`)),
        timeoutMs,
      );
      const check = () => {
        if (this.problem !== null) finish(this.problem);
        else if (stopped()) finish(null);
      };
      this.wake = check;
      check();
    });
  }
}
