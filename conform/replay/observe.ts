/**
 * The real world around each step of a replay, taken in runPath's `onStep` hook (after the initial
 * comparison, and after every step the implementation matched) from the conductor: auth.json in its
 * CODEX_HOME, each slot's place and cache, each token named as its server judges it at that moment, and the
 * answer the step's process got when its call returned. Reading is this file's only I/O; steps are lined up
 * by number, so no copy of the conductor's event-to-action mapping is needed.
 */
import { readFileSync } from "node:fs";
import { processName } from "../../common/names.js";
import { redact } from "../../impl/redact.js";
import { authJsonPath, parseAuthJson } from "../../impl/storage/index.js";
import type { EventName } from "../../model/vocabulary.js";
import type { RequestRecord, TokenServer } from "../../server/types.js";
import { ACCOUNT_IDS, type Conductor } from "../conductor.js";
import type { PathStep } from "../lockstep.js";
import type { StepSeen } from "../run-path.js";
import type { CallRecord, ProcessSlot } from "../slot.js";
import type { CallOutcome, DiskView, NamedToken, ProcessView, RealView } from "./views.js";

function nameToken(server: TokenServer, token: string): NamedToken {
  for (const family of server.state().families) {
    const tokens = [...family.rotatedOut, family.refreshToken];
    const generation = tokens.indexOf(token);
    if (generation < 0) continue;
    const current = generation === tokens.length - 1;
    return {
      name: `${family.accountId === ACCOUNT_IDS.B ? "B.R" : "R"}${generation}`,
      shown: redact(token),
      status: family.revoked ? "revoked" : current ? "current" : "rotated out",
      account: family.accountId,
      familyId: family.familyId,
      generation,
    };
  }
  return {
    name: "?",
    shown: redact(token),
    status: "unknown",
    account: null,
    familyId: null,
    generation: null,
  };
}

function diskView(home: string, server: TokenServer): DiskView {
  const file = authJsonPath(home);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? { kind: "absent" } : { kind: "unreadable", detail: String(code) };
  }
  const parsed = parseAuthJson(text, file);
  if (!parsed.ok) return { kind: "unreadable", detail: parsed.error.kind };
  const { tokens } = parsed.snapshot;
  return { kind: "ok", accountId: tokens.accountId, token: nameToken(server, tokens.refreshToken) };
}

async function processView(slot: ProcessSlot, server: TokenServer): Promise<ProcessView> {
  const status = slot.status();
  const at =
    status.kind === "held"
      ? `held at ${status.call.kind}`
      : status.kind === "broken"
        ? `broken: ${status.problem}`
        : status.kind;
  const cached = status.kind === "down" ? null : await slot.cached();
  const snapshot = cached?.snapshot ?? null;
  return {
    name: slot.name,
    at,
    cache:
      snapshot === null
        ? null
        : { accountId: snapshot.tokens.accountId, token: nameToken(server, snapshot.tokens.refreshToken) },
    poisoned: cached?.poisoned ?? false,
  };
}

function outcomeOf(process: string, call: CallRecord, server: TokenServer): CallOutcome {
  const base = { process, event: call.event };
  if (call.thrown !== undefined)
    return { ...base, ok: false, detail: `threw: ${call.thrown.split("\n")[0]}`, toldLoggedOut: false };
  const result = call.result;
  if (result === undefined) return { ...base, ok: false, detail: "no result", toldLoggedOut: false };
  if (!result.ok) {
    const told = result.error.kind !== "transient" && result.error.kind !== "persist";
    return {
      ...base,
      ok: false,
      detail: `${result.error.kind}: ${result.error.message}`,
      toldLoggedOut: told,
    };
  }
  const token = nameToken(server, result.snapshot.tokens.refreshToken).name;
  const notes = [
    result.poisoned ? "poisoned" : "",
    result.refreshError ? `refresh error: ${result.refreshError.message}` : "",
  ];
  const detail = [`ok ${token}`, ...notes.filter(Boolean)].join(", ");
  return { ...base, ok: true, detail, toldLoggedOut: result.poisoned };
}

/** The real world now, as the conductor's run holds it. */
async function lookAt(conductor: Conductor): Promise<RealView> {
  const server = conductor.session.server;
  const processes: ProcessView[] = [];
  for (const slot of conductor.slots) processes.push(await processView(slot, server));
  return { disk: diskView(conductor.home, server), processes };
}

/** What `onStep` saw after step `number` (0: every process has loaded auth.json). */
export interface Observed {
  number: number;
  view: RealView;
  /** The step's process got an answer: its call settled during the step. */
  returned: CallOutcome | null;
  /** Token requests the server decided during the step. */
  records: RequestRecord[];
}

/** Collects one Observed per `onStep` call; pass `observer.onStep` to runPath. */
export class Observer {
  readonly observed: Observed[] = [];
  /** Per slot, its call record and whether it had settled at the previous look. */
  private calls: { record: CallRecord | null; settled: boolean }[] = [];

  readonly onStep = async (seen: StepSeen): Promise<void> => {
    const { conductor, step } = seen;
    const returned = step === null ? null : this.returnedAt(conductor, step.process);
    const view = await lookAt(conductor);
    this.observed.push({ number: seen.number, view, returned, records: seen.records });
    this.calls = conductor.slots.map(({ call }) => ({ record: call, settled: call?.settled === true }));
  };

  /** A call returned at this step when the process's call record is settled now and was not at the last look. */
  private returnedAt(conductor: Conductor, process: number): CallOutcome | null {
    const slot = conductor.slots[process];
    const call = slot?.call ?? null;
    if (slot === undefined || call === null || !call.settled) return null;
    const last = this.calls[process];
    if (last?.record === call && last.settled) return null;
    return outcomeOf(slot.name, call, conductor.session.server);
  }
}

export interface StepObservation {
  number: number;
  actor: string;
  event: EventName;
  label: string;
  /** Token requests the real server decided during the step. */
  posts: RequestRecord[];
  /** The call that returned at this step, if one did. */
  returned: CallOutcome | null;
  /** The real world around the step (the divergent one too: runPath reports it last, with `diverged` set). */
  before: RealView | null;
  after: RealView | null;
}

export interface ObservedRun {
  steps: StepObservation[];
  /** After every process loaded auth.json; after the last step seen (null: not seen). */
  initial: RealView | null;
  final: RealView | null;
}

/**
 * Pure: the steps run, each with what `onStep` saw after it and the one before (runPath reports every step,
 * the divergent one last); a step without a view would get the server's records since the last one seen.
 */
export function observeSteps(
  run: readonly PathStep[],
  labels: readonly string[],
  records: readonly RequestRecord[],
  observed: readonly Observed[],
): ObservedRun {
  const byNumber = new Map(observed.map((seen) => [seen.number, seen]));
  const initial = byNumber.get(0)?.view ?? null;
  const steps: StepObservation[] = [];
  let before = initial;
  let posted = 0;
  for (const [index, step] of run.entries()) {
    const seen = byNumber.get(index + 1);
    const posts = seen?.records ?? records.slice(posted);
    posted += posts.length;
    const after = seen?.view ?? null;
    steps.push({
      number: index + 1,
      actor: processName(step.process),
      event: step.event,
      label: labels[index] ?? "",
      posts,
      returned: seen?.returned ?? null,
      before,
      after,
    });
    before = after;
  }
  return { steps, initial, final: observed[observed.length - 1]?.view ?? null };
}
