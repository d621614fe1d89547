/** The real clock. Decision code never calls Date.now(); it reads time through a Clock port. */
import type { Clock } from "./types.js";

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private currentMs: number) {}
  nowMs(): number {
    return this.currentMs;
  }
  set(nowMs: number): void {
    this.currentMs = nowMs;
  }
  advance(durationMs: number): void {
    this.currentMs += durationMs;
  }
}
