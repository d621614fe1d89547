/** What a flow may touch: the rules, the traced ports, the clock, and the manager's one cache. */
import type { Clock } from "../ports/types.js";
import type { TracedIo } from "./traced-io.js";
import type { Cache, ManagerError } from "./types.js";
import type { VariantRules } from "./variants.js";

export interface FlowContext {
  readonly rules: VariantRules;
  readonly io: TracedIo;
  readonly clock: Clock;
  /** Always read the cache through this: a copy held across an await would be a stale alias. */
  cache(): Cache;
  setCache(cache: Cache): void;
}

export type FlowResult = { ok: true } | { ok: false; error: ManagerError };

export const FLOW_OK: FlowResult = { ok: true };

export function flowError(error: ManagerError): FlowResult {
  return { ok: false, error };
}
