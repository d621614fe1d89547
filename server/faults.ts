/**
 * Faults queued for upcoming token requests. Each well-formed `POST /oauth/token` takes the next one;
 * bad requests and control calls never consume a fault, so a test knows exactly which request gets it.
 */
import { FAULT_KINDS, type FaultKind, type FaultSpec, isFaultKind, TokenServerLimitError } from "./types.js";

export type FaultSpecCheck = { ok: true; fault: Required<FaultSpec> } | { ok: false; problem: string };

/** Validates a fault from an untrusted source (HTTP body, CLI flag). */
export function checkFaultSpec(value: unknown): FaultSpecCheck {
  if (typeof value !== "object" || value === null) return { ok: false, problem: "fault must be an object" };
  const { kind, count } = value as { kind?: unknown; count?: unknown };
  if (!isFaultKind(kind)) {
    return { ok: false, problem: `kind must be one of ${FAULT_KINDS.join(", ")}` };
  }
  if (count !== undefined && (typeof count !== "number" || !Number.isInteger(count) || count < 1)) {
    return { ok: false, problem: "count must be a positive integer" };
  }
  return { ok: true, fault: { kind, count: count ?? 1 } };
}

export class FaultQueue {
  private readonly queue: Required<FaultSpec>[] = [];

  constructor(private readonly pendingFaultsMax: number) {}

  /** Throws on a malformed fault (a programmer error) or past `pendingFaultsMax`. */
  push(spec: FaultSpec): void {
    const check = checkFaultSpec(spec);
    if (!check.ok) throw new TypeError(`injectFault: ${check.problem}`);
    if (this.pendingCount() + check.fault.count > this.pendingFaultsMax) {
      throw new TokenServerLimitError("pendingFaultsMax", this.pendingFaultsMax, "cannot queue the fault");
    }
    this.queue.push(check.fault);
  }

  /** The fault for the request arriving now, or null. */
  take(): FaultKind | null {
    const head = this.queue[0];
    if (!head) return null;
    head.count -= 1;
    if (head.count === 0) this.queue.shift();
    return head.kind;
  }

  pending(): Required<FaultSpec>[] {
    return this.queue.map((fault) => ({ ...fault }));
  }

  private pendingCount(): number {
    return this.queue.reduce((sum, fault) => sum + fault.count, 0);
  }
}
