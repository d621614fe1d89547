/**
 * The violation as the real system shows it, from the views around the trace's last step: the real server's
 * record of a rotated-out token (NoStaleRefreshSent), auth.json going back within a family
 * (DiskNeverRegresses) or holding one account's id with another's token (AccountNeverMixed), a process told
 * it is logged out while auth.json still holds its account (NoSpuriousLogout), auth.json written back after a
 * logout removed it (LogoutNeverUndone), or, for a progress invariant,
 * the state from which the model has no fault-free way out. Pure.
 */
import type { InvariantName } from "../../model/vocabulary.js";
import { formatRequestLine } from "../../server/index.js";
import { isRealStaleSend } from "../run-path.js";
import type { StepObservation } from "./observe.js";
import { isProgress } from "./trace-file.js";
import { describeDisk, describeView, type RealView } from "./views.js";

export interface ViolationSeen {
  /** The run shows the violation on the real system. */
  observed: boolean;
  lines: string[];
}

function where(step: StepObservation): string {
  return `step ${step.number} (${step.actor} ${step.event})`;
}

function staleSendSeen(step: StepObservation): ViolationSeen {
  const stale = step.posts.filter(isRealStaleSend);
  if (stale.length === 0) {
    const answers = step.posts.map(formatRequestLine).join("; ") || "no token request";
    return {
      observed: false,
      lines: [`the real server recorded no rotated-out token at ${where(step)}: ${answers}`],
    };
  }
  const lines = stale.map((post) => `  ${formatRequestLine(post)}`);
  return {
    observed: true,
    lines: [`the real server rejected a rotated-out refresh token at ${where(step)}:`, ...lines],
  };
}

function regressionSeen(step: StepObservation): ViolationSeen {
  const [before, after] = [step.before?.disk, step.after?.disk];
  const regressed =
    before?.kind === "ok" &&
    after?.kind === "ok" &&
    before.token.familyId !== null &&
    before.token.familyId === after.token.familyId &&
    (after.token.generation ?? 0) < (before.token.generation ?? 0);
  const change = `before ${describeDisk(before)}; after ${describeDisk(after)}`;
  if (!regressed)
    return {
      observed: false,
      lines: [`auth.json did not go back to an older token at ${where(step)}: ${change}`],
    };
  return {
    observed: true,
    lines: [`auth.json went back to an older token of the same family at ${where(step)}:`, `  ${change}`],
  };
}

function mixSeen(step: StepObservation): ViolationSeen {
  const disk = step.after?.disk;
  if (disk?.kind !== "ok" || disk.token.account === null || disk.token.account === disk.accountId)
    return {
      observed: false,
      lines: [`auth.json holds no mixed accounts after ${where(step)}: ${describeDisk(disk)}`],
    };
  const what = `account_id=${disk.accountId} with refresh token ${disk.token.name} ${disk.token.shown} of ${disk.token.account}'s family`;
  return { observed: true, lines: [`after ${where(step)} auth.json holds ${what}`] };
}

function logoutSeen(step: StepObservation): ViolationSeen {
  const was = step.before?.processes.find((process) => process.name === step.actor);
  const now = step.after?.processes.find((process) => process.name === step.actor);
  const disk = step.before?.disk;
  const account = was?.cache?.accountId ?? null;
  const held = disk?.kind === "ok" && account !== null && disk.accountId === account;
  const told: string[] = [];
  if (step.returned?.toldLoggedOut) told.push(`its ${step.returned.event} returned ${step.returned.detail}`);
  if (now?.poisoned && !was?.poisoned) told.push("its cached snapshot is now poisoned");
  if (was?.cache && now?.cache === null && now.at !== "down") told.push("its cache was cleared");
  const lines = [
    `${step.actor} was ${told.length > 0 ? "" : "not "}told it is logged out at ${where(step)}${told.length > 0 ? `: ${told.join("; ")}` : ""}`,
    `  auth.json before the step: ${describeDisk(disk)}${held ? ` (${step.actor}'s account)` : ""}`,
  ];
  return { observed: held && told.length > 0, lines };
}

function logoutUndoneSeen(step: StepObservation): ViolationSeen {
  const [before, after] = [step.before?.disk, step.after?.disk];
  const change = `before ${describeDisk(before)}; after ${describeDisk(after)}`;
  if (before?.kind !== "absent" || after?.kind === "absent")
    return {
      observed: false,
      lines: [`auth.json was not recreated after a logout at ${where(step)}: ${change}`],
    };
  return {
    observed: true,
    lines: [
      `${step.actor} wrote auth.json back after a logout had removed it, at ${where(step)}:`,
      `  ${change}`,
    ],
  };
}

/** A progress counterexample (or an empty path) is shown by the state the run ended in. */
function stuckSeen(last: StepObservation | undefined, final: RealView | null): ViolationSeen {
  if (final === null) return { observed: false, lines: ["the real state after the last step was not seen"] };
  const after = last === undefined ? "at the start" : `after step ${last.number}`;
  return {
    observed: true,
    lines: [
      `the real system reached, ${after}, the state from which the model shows no fault-free way out:`,
      ...describeView(final).map((line) => `  ${line}`),
    ],
  };
}

/** How the real system shows `invariant` broken, judged at the last step run (every step matched). */
export function violationSeen(
  invariant: InvariantName,
  steps: readonly StepObservation[],
  final: RealView | null,
): ViolationSeen {
  const last = steps[steps.length - 1];
  if (isProgress(invariant) || last === undefined) return stuckSeen(last, final);
  switch (invariant) {
    case "NoStaleRefreshSent":
    case "NoSupersededSend":
      return staleSendSeen(last);
    case "DiskNeverRegresses":
      return regressionSeen(last);
    case "AccountNeverMixed":
      return mixSeen(last);
    case "LogoutNeverUndone":
      return logoutUndoneSeen(last);
    default:
      return logoutSeen(last);
  }
}
