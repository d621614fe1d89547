/**
 * `--reply-timeout-ms N` (scenario, stress): how long each driver command may take before the run fails with
 * `driver-timeout`. The failure names the flag, so a run at a high load average says which limit fired.
 */
import { type ReplyTimeout, SCENARIO_LIMITS } from "../scenarios/index.js";
import { integerFlag } from "./command.js";

export const REPLY_TIMEOUT_FLAG = "--reply-timeout-ms";

/** The flag's value within [1, replyTimeoutMsMax], or undefined when absent; anything else is a UsageError. */
export function replyTimeoutFlag(text: string | undefined): ReplyTimeout | undefined {
  const ms = integerFlag(REPLY_TIMEOUT_FLAG, text, 1, SCENARIO_LIMITS.replyTimeoutMsMax);
  return ms === undefined ? undefined : { ms, limit: REPLY_TIMEOUT_FLAG };
}
