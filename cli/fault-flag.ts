/**
 * `--fault KIND[:COUNT]`, the one grammar for queueing a token-server fault from the command line (`authrace
 * server`, `authrace stress`), so that no command imports another.
 */
import { checkFaultSpec, FAULT_KINDS, type FaultSpec } from "../server/index.js";
import { UsageError } from "./command.js";

/** The usage line's list of kinds. */
export const FAULT_KIND_LIST = FAULT_KINDS.join(", ");

/** `reset-without-rotate:5` -> { kind, count: 5 }; a bad kind or count is a UsageError naming the flag. */
export function faultFlag(text: string): Required<FaultSpec> {
  const [kind, countText] = text.split(":");
  const count = countText === undefined ? undefined : Number(countText);
  const check = checkFaultSpec({ kind, ...(count === undefined ? {} : { count }) });
  if (!check.ok) throw new UsageError(`--fault ${text}: ${check.problem}`);
  return check.fault;
}

/** The flags that queue `faults` again (a replay line). */
export function faultFlags(faults: readonly FaultSpec[]): string[] {
  return faults.map((fault) => `--fault ${fault.kind}:${fault.count ?? 1}`);
}
