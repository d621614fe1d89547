/**
 * Driver processes of a cmd: subject kept between the runs of one session. Starting a program costs far more
 * than a run (node and its imports: a few hundred ms, twice per path at N = 2); a program whose ready line says
 * `"reset":true` is instead parked when a run ends and, at the next run's load, told to `reset` onto the new
 * CODEX_HOME (docs/driver-protocol.md, "Reset"). A crash is still a real SIGKILL: a crashed process is never
 * parked. The session closes the pool with itself, killing whatever is parked (conform/session.ts, `keep`).
 */
import type { DriverMessage, JsonLineDriver } from "../impl/driver/client.js";

/** Parked processes per slot name (A, B, ...): a run needs one per name; a restart after a crash makes another. */
export const PARKED_PER_NAME_MAX = 2;
/** How long closing the pool waits for a killed process to be reaped. */
const KILL_WAIT_MS = 5_000;

/** One process and the slot it answers to now (its listeners); both null while parked. */
export interface PooledDriver {
  readonly driver: JsonLineDriver;
  onMessage: ((message: DriverMessage) => void) | null;
  onExit: (() => void) | null;
}

/** Routes the driver's messages and its exit to whoever holds it now, so a reused process needs no new listeners. */
export function pooledDriver(driver: JsonLineDriver): PooledDriver {
  const pooled: PooledDriver = { driver, onMessage: null, onExit: null };
  driver.onMessage((message) => pooled.onMessage?.(message));
  void driver.waitExit().then(() => pooled.onExit?.());
  return pooled;
}

export class DriverPool {
  private readonly parked = new Map<string, PooledDriver[]>();

  /** A live parked process for `name`, or null. */
  take(name: string): PooledDriver | null {
    const list = this.parked.get(name) ?? [];
    for (let pooled = list.pop(); pooled !== undefined; pooled = list.pop()) {
      if (pooled.driver.exitedWith === null) return pooled;
    }
    return null;
  }

  /** Keeps the process for a later run; false (the caller kills it) when PARKED_PER_NAME_MAX are parked. */
  park(name: string, pooled: PooledDriver): boolean {
    const list = this.parked.get(name) ?? [];
    if (list.length >= PARKED_PER_NAME_MAX) return false;
    pooled.onMessage = null;
    pooled.onExit = null;
    list.push(pooled);
    this.parked.set(name, list);
    return true;
  }

  async close(): Promise<void> {
    const all = [...this.parked.values()].flat();
    this.parked.clear();
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
