/**
 * Driver processes of a cmd: subject kept between the runs of one session. Starting a program costs far more
 * than a run (node and its imports: a few hundred ms, twice per path at N = 2); a program whose ready line says
 * `"reset":true` is instead parked when a run ends and, at the next run's load, told to `reset` onto the new
 * CODEX_HOME (docs/driver-protocol.md, "Reset"). A crash is still a real SIGKILL and its restart a new process,
 * but that process is started as a *spare* right at the crash, on the run's own CODEX_HOME, so it is usually
 * sitting at its held construction read when the model's restart comes (the start overlaps other work).
 * The session closes the pool with itself, killing whatever is in it (conform/session.ts, `keep`).
 *
 * A process is reset only once everything it printed has arrived (it waits at a held read, or is a parked
 * process whose run settled every step): a reset's new `seq 1` must not be mistaken for an older line.
 */
import type { DriverMessage, JsonLineDriver } from "../impl/driver/client.js";

/** Processes kept per slot name (A, B, ...), parked and spare together. */
export const PARKED_PER_NAME_MAX = 2;
/** Lines kept from a process nobody listens to (a spare prints one: its held read). */
const BACKLOG_LINES_MAX = 16;
/** How long closing the pool waits for a killed process to be reaped. */
const KILL_WAIT_MS = 5_000;

/** One process and the slot it answers to now; its lines wait in `backlog` while nobody listens. */
export interface PooledDriver {
  readonly driver: JsonLineDriver;
  /** The CODEX_HOME it was started on or last reset onto. */
  home: string;
  /** Started as a spare and never used: it waits at its construction read on `home`. */
  spare: boolean;
  backlog: DriverMessage[];
  onMessage: ((message: DriverMessage) => void) | null;
  onExit: (() => void) | null;
}

/** Routes the driver's lines and its exit to whoever holds it now, so a reused process needs no new listeners. */
export function pooledDriver(driver: JsonLineDriver, home: string, spare = false): PooledDriver {
  const pooled: PooledDriver = { driver, home, spare, backlog: [], onMessage: null, onExit: null };
  driver.onMessage((message) => {
    if (pooled.onMessage !== null) pooled.onMessage(message);
    else if (pooled.backlog.length < BACKLOG_LINES_MAX) pooled.backlog.push(message);
  });
  void driver.waitExit().then(() => pooled.onExit?.());
  return pooled;
}

/** Makes `pooled` answer to a slot: its listeners are set and what it printed meanwhile is handed over. */
export function attach(
  pooled: PooledDriver,
  onMessage: (message: DriverMessage) => void,
  onExit: () => void,
): void {
  pooled.onMessage = onMessage;
  pooled.onExit = onExit;
  const waiting = pooled.backlog.splice(0);
  for (const message of waiting) onMessage(message);
}

export interface Taken {
  pooled: PooledDriver;
  /** It was started or last reset on another home: send `reset` before anything else. */
  needsReset: boolean;
}

export class DriverPool {
  private readonly kept = new Map<string, PooledDriver[]>();

  /**
   * A live process for `name` on `home`: a spare started on this very home first (no reset needed), else one
   * that can be reset safely: parked, or a spare whose held read has arrived. Null: spawn one.
   */
  take(name: string, home: string): Taken | null {
    const list = (this.kept.get(name) ?? []).filter((pooled) => pooled.driver.exitedWith === null);
    this.kept.set(name, list);
    const here = list.findIndex((pooled) => pooled.spare && pooled.home === home);
    if (here >= 0) return { pooled: list.splice(here, 1)[0] as PooledDriver, needsReset: false };
    const settled = list.findIndex((pooled) => !pooled.spare || pooled.backlog.length > 0);
    if (settled < 0) return null;
    const pooled = list.splice(settled, 1)[0] as PooledDriver;
    pooled.backlog = []; // its held read on the old home: dropped by the reset
    pooled.spare = false;
    return { pooled, needsReset: true };
  }

  /** Whether another process may be kept for `name` (PARKED_PER_NAME_MAX). */
  hasRoom(name: string): boolean {
    return (this.kept.get(name) ?? []).length < PARKED_PER_NAME_MAX;
  }

  /** Keeps the process for a later run; false (the caller kills it) when the pool is full for `name`. */
  park(name: string, pooled: PooledDriver): boolean {
    if (!this.hasRoom(name)) return false;
    pooled.onMessage = null;
    pooled.onExit = null;
    pooled.backlog = [];
    this.kept.set(name, [...(this.kept.get(name) ?? []), pooled]);
    return true;
  }

  /** Adds a process just started on `pooled.home` (its construction read comes into its backlog). */
  addSpare(name: string, pooled: PooledDriver): void {
    this.kept.set(name, [...(this.kept.get(name) ?? []), pooled]);
  }

  async close(): Promise<void> {
    const all = [...this.kept.values()].flat();
    this.kept.clear();
    await Promise.all(
      all.map(
        ({ driver }) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, KILL_WAIT_MS);
            void driver.kill().then(() => {
              clearTimeout(timer);
              resolve();
            });
          }),
      ),
    );
  }
}
