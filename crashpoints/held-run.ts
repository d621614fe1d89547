/**
 * One process killed at port call k: a real driver in held mode (docs/driver-protocol.md, "Held mode") runs one
 * operation; each port call is announced before it happens and released by this harness, until the k-th, when
 * the process group gets SIGKILL. So the k-th call never happens and the first k - 1 did, exactly: a kill at a
 * random instant could not say which. An operation that replies before announcing its k-th call was not killed
 * (that run is the control: the operation complete).
 *
 * Every wait has a limit; a process that neither holds a call nor replies in time is a problem string.
 */

import { HELD_MODE_ARGUMENTS } from "../conform/remote-slot.js";
import { type DriverMessage, type JsonLineDriver, startDriver } from "../impl/driver/client.js";
import type { DriverReply } from "../impl/driver/protocol.js";
import type { Variant } from "../model/vocabulary.js";

/** Node and the driver's imports, to the first held event. */
export const START_TIMEOUT_MS = 15_000;
/** After a release: the next held event or the reply. */
export const SETTLE_TIMEOUT_MS = 5_000;
/** Port calls of one operation; more is a runaway program. */
export const PORT_CALLS_MAX = 32;

export interface HeldRun {
  /** The kinds the operation announced, in order, up to and including the one it was killed at. */
  kinds: string[];
  /** Killed when announcing its k-th port call; false: it replied first. */
  killed: boolean;
  /** The reply, when it was not killed. */
  reply: DriverReply | null;
}

/** The driver's stdout messages (held events, the ready line), one at a time, each wait bounded. */
class Messages {
  private readonly queue: DriverMessage[] = [];
  private wake: (() => void) | null = null;

  constructor(driver: JsonLineDriver) {
    driver.onMessage((message) => {
      this.queue.push(message);
      this.wake?.();
    });
  }

  /** Wakes a waiting `next` (the reply arrived: its `done` may hold now). */
  poke(): void {
    this.wake?.();
  }

  /** The next message, "done" once `done()` holds with nothing queued, or null after `timeoutMs`. */
  async next(timeoutMs: number, done: () => boolean = () => false): Promise<DriverMessage | "done" | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length === 0) {
      if (done()) return "done";
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.queue.shift() ?? null;
  }
}

function heldOf(message: DriverMessage): { seq: number; kind: string } | null {
  const held = message.held;
  if (typeof held !== "object" || held === null) return null;
  const { seq, kind } = held as Record<string, unknown>;
  return typeof seq === "number" && typeof kind === "string" ? { seq, kind } : null;
}

/** Starts the held driver, releases its construction read, waits for its ready line. */
async function startHeld(
  options: RunOptions,
): Promise<{ driver: JsonLineDriver; messages: Messages } | string> {
  const driver = startDriver({
    home: options.home,
    ...(options.driverCommand === undefined
      ? { variant: options.variant }
      : { command: options.driverCommand }),
    name: "A",
    tokenUrl: options.tokenUrl,
    extraArguments: HELD_MODE_ARGUMENTS,
    processGroup: true,
  });
  const messages = new Messages(driver);
  driver.setClock(Date.now());
  const first = await messages.next(START_TIMEOUT_MS);
  const read = first === null || first === "done" ? null : heldOf(first);
  if (read?.kind !== "readDisk") {
    await driver.kill();
    return `A did not announce its construction read within ${START_TIMEOUT_MS} ms (START_TIMEOUT_MS): ${driver.stderr()}`;
  }
  driver.release(read.seq);
  const ready = await messages.next(SETTLE_TIMEOUT_MS);
  if (ready === null || ready === "done" || ready.ready !== true) {
    await driver.kill();
    return `A did not print its ready line within ${SETTLE_TIMEOUT_MS} ms (SETTLE_TIMEOUT_MS)`;
  }
  return { driver, messages };
}

export interface RunOptions {
  home: string;
  tokenUrl: string;
  variant: Variant;
  /** Starts the operation on the ready driver. */
  operation: (driver: JsonLineDriver) => Promise<DriverReply>;
  /** 1-based: the port call to die at. */
  k: number;
  /** The driver program and its leading arguments; default the reference driver with `--variant`. */
  driverCommand?: readonly string[];
}

/** Runs the operation, releasing port calls 1..k-1 and killing the process group at the k-th. */
export async function runUntilKilled(options: RunOptions): Promise<HeldRun | string> {
  const started = await startHeld(options);
  if (typeof started === "string") return started;
  const { driver, messages } = started;
  let reply: DriverReply | null = null;
  const replied = options.operation(driver).then((answer) => {
    reply = answer;
    messages.poke();
  });
  const kinds: string[] = [];
  try {
    while (kinds.length < PORT_CALLS_MAX) {
      const message = await messages.next(SETTLE_TIMEOUT_MS, () => reply !== null);
      if (message === "done") return { kinds, killed: false, reply };
      const held = message === null ? null : heldOf(message);
      if (held === null) {
        const after = kinds.at(-1) ?? "the start of the operation";
        return `A: after ${after} it neither held a port call nor replied within ${SETTLE_TIMEOUT_MS} ms (SETTLE_TIMEOUT_MS)`;
      }
      kinds.push(held.kind);
      if (kinds.length === options.k) {
        await driver.kill();
        return { kinds, killed: true, reply: null };
      }
      driver.release(held.seq);
    }
    return `A announced more than ${PORT_CALLS_MAX} port calls (PORT_CALLS_MAX)`;
  } finally {
    await driver.kill();
    await replied;
  }
}
