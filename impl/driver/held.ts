/**
 * The driver's held mode (`--held`, docs/driver-protocol.md): every port call of the one manager is announced
 * on stdout as a `{"held":{...}}` event and waits for `{"cmd":"release","seq":n}`; time is a ManualClock the
 * harness sets with `{"cmd":"clock","nowMs":...}`. The holding itself is impl/ports/held.ts, the one the
 * conformance conductor uses in process, so a manager behind this driver is held at exactly the same points.
 */
import { type HeldCall, type HoldSink, holdPorts } from "../ports/held.js";
import { ManualClock } from "../ports/system-clock.js";
import type { AuthPorts } from "../ports/types.js";
import { type HeldControl, type HeldEvent, heldResponse } from "./protocol.js";

/**
 * Until the first `clock` line the clock reads 0 (1970): a harness that forgets to set it sees no snapshot go
 * stale and every save stamped 1970-01-01 (wildly stale at any later time), never a plausible but wrong time.
 */
const HELD_CLOCK_INITIAL_MS = 0;

function heldEvent(seq: number, call: HeldCall): HeldEvent {
  const event: HeldEvent = { seq, kind: call.kind };
  if (call.mode !== undefined) event.mode = call.mode;
  if (call.removes === true) event.mode = "remove";
  if (call.refreshToken !== undefined) event.refreshToken = call.refreshToken;
  if (call.accessToken !== undefined) event.accessToken = call.accessToken;
  if (call.response !== undefined) event.response = heldResponse(call.response);
  return event;
}

export class HeldMode {
  readonly clock = new ManualClock(HELD_CLOCK_INITIAL_MS);
  private seq = 0;
  /** Held calls by seq. One per command in flight at most, so bounded by COMMANDS_IN_FLIGHT_MAX (+1 at load). */
  private readonly waiting = new Map<number, () => void>();
  /**
   * Bumped by every `reset`: ports held for an older generation announce nothing and are never opened, so the
   * calls of a dropped manager stay where they are, as in a crash, and never print again.
   */
  generation = 0;
  /** Called after a `reset` line was applied: the driver loads a new manager on `home`. */
  onReset: ((home: string) => void) | null = null;

  constructor(private readonly writeLine: (line: string) => void) {}

  /** The real ports, each call announced and held (for the current generation only). */
  hold(real: AuthPorts): AuthPorts {
    const generation = this.generation;
    const sink: HoldSink = (call) => {
      if (generation !== this.generation) return; // a dropped manager's call: never announced, never opened
      this.seq += 1;
      this.waiting.set(this.seq, call.open);
      this.writeLine(JSON.stringify({ held: heldEvent(this.seq, call) }));
    };
    return holdPorts(real, sink);
  }

  /** Applies a control line; a string says why it was refused. */
  apply(control: HeldControl): string | null {
    if (control.cmd === "clock") {
      this.clock.set(control.nowMs);
      return null;
    }
    if (control.cmd === "reset") {
      if (this.onReset === null) return "reset: this driver cannot reset";
      this.generation += 1;
      this.seq = 0;
      this.waiting.clear();
      this.clock.set(HELD_CLOCK_INITIAL_MS);
      this.onReset(control.home);
      return null;
    }
    const open = this.waiting.get(control.seq);
    if (open === undefined) return `release: seq ${control.seq} is not held`;
    this.waiting.delete(control.seq);
    open();
    return null;
  }
}
