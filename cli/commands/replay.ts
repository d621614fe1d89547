/**
 * `authrace replay <trace.json> [--variant <v> | --impl <spec>] [--json]`: runs a counterexample that
 * `authrace verify` wrote (proofs/render.ts traceJson) on a real implementation, step by step through held
 * ports (conform/run-path.ts), and shows the violation as the REAL system shows it: the server's record of a
 * rotated-out token, auth.json going back or mixing accounts, a call told it is logged out while auth.json
 * still holds its account, or the state from which the model has no fault-free way out.
 *
 * runPath's outcome carries the server's records only; what each call returned and what auth.json and each
 * cache held come from a decorator around the subject's slots (observingSubject) that looks before and after
 * every slot action. The conductor takes at most one slot action per step (slotActionOf mirrors its
 * `perform`) and none for the world, so the actions line up with the path (checked: a mismatch throws); a
 * step without one is seen at the next action. An `onStep` hook in runPath would make this mirror unneeded.
 *
 * One file for now (the trace file, the observation, the evidence, the command); it would read better as
 * cli/replay/{trace,observe,evidence}.ts.
 */
import { readFileSync } from "node:fs";
import { ACCOUNT_IDS } from "../../conform/conductor.js";
import { drivable } from "../../conform/configs.js";
import { formatDivergence } from "../../conform/report.js";
import { type Divergence, isRealStaleSend, type PathStep, runPath } from "../../conform/run-path.js";
import { openSession } from "../../conform/session.js";
import type { CallRecord, ProcessSlot } from "../../conform/slot.js";
import type { Subject } from "../../conform/subject.js";
import { redact } from "../../impl/redact.js";
import { authJsonPath, parseAuthJson } from "../../impl/storage/index.js";
import { configName, type ModelConfig, makeConfig } from "../../model/config.js";
import { initialData } from "../../model/data.js";
import { PROCESS_NAMES } from "../../model/machine.js";
import {
  CALL_EVENTS,
  ENVIRONMENT_EVENTS,
  type EventName,
  FAULT_EVENTS,
  INVARIANTS,
  type InvariantName,
  IO_EVENTS,
} from "../../model/vocabulary.js";
import { brokenBy, INVARIANT_STATEMENTS, PROGRESS_INVARIANTS } from "../../proofs/invariants.js";
import type { ExplorerState } from "../../proofs/state.js";
import { makeStepper } from "../../proofs/step.js";
import { processName } from "../../proofs/trace.js";
import { formatRequestLine, redactRecord } from "../../server/index.js";
import type { RequestRecord, TokenServer } from "../../server/types.js";
import { type Command, parseCommandArgs, UsageError } from "../command.js";
import {
  describeSubjectChoice,
  openSubject,
  resolveSubjectChoice,
  SUBJECT_SPEC_FORMS,
  type SubjectChoice,
} from "../subject-spec.js";

export const REPLAY_EXIT = { reproduced: 0, diverged: 1, usage: 2, notDrivable: 3, notObserved: 4 } as const;

const usage = `usage: authrace replay <trace.json> [--variant <variant> | --impl <spec>] [--json]

Runs a counterexample written by \`authrace verify\` (out/counterexamples/<theorem>/<Invariant>.json) on a real
implementation: N managers sharing one real auth.json, a real loopback token server and real locks, every
port call held and released in the trace's order, the real world compared with the model after each step.
Prints each step with what the real server answered to each POST and what each call returned, then whether
the implementation followed the model and the violation as the real system shows it.

The model path is always the trace's. The implementation is, by default, the trace's own design
(ref:<variant>, or mutant:<name> for a mutant's trace); another one may diverge, which is the point.

options:
  --variant <v>   replay on the reference implementation of another design (as --impl ref:<v>); next to
                  --impl cmd: it names the model the program claims (required there)
  --impl <spec>   ${SUBJECT_SPEC_FORMS}
                  (codex: is refused: its port calls cannot be held; see authrace scenario / stress)
  --json          one JSON object on stdout instead of text

exit status:
  0  the implementation followed the model for every step and the real system showed the violation
  1  the implementation diverged from the model (shown numbered), or could not be opened
  2  usage, or a trace file that cannot be read or has a bad field (the message names the file and field)
  3  the trace's configuration cannot be driven (a stall or tornWrite fault; the reason is printed)
  4  the implementation followed the model, but the violation was not observed on the real system

examples: authrace replay out/counterexamples/guarded_N2_none/NoStaleRefreshSent.json
          authrace replay out/counterexamples/locked_N2_crash/NoStaleRefreshSent.json \\
            --impl mutant:no-reread-after-lock`;

// ---------------------------------------------------------------------------------------------------------
// The trace file

export interface ReplayTrace {
  file: string;
  theorem: string | null;
  invariant: InvariantName;
  config: ModelConfig;
  path: PathStep[];
  /** Per step, the model's wording of the branch taken (from the file; "" when absent). */
  labels: string[];
}

export type TraceLoad = { ok: true; trace: ReplayTrace } | { ok: false; message: string };

const EVENTS: readonly string[] = [...CALL_EVENTS, ...IO_EVENTS, ...ENVIRONMENT_EVENTS, ...FAULT_EVENTS];

/** A bad field of the trace file; the message starts with its dotted path, like `steps[3].process: `. */
class FieldError extends Error {
  static of(field: string, problem: string): FieldError {
    return new FieldError(`${field}: ${problem}`);
  }
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw FieldError.of(field, "must be an object");
  return value as Record<string, unknown>;
}

function typed<T>(value: unknown, field: string, type: "string" | "boolean" | "number"): T | undefined {
  if (value !== undefined && typeof value !== type) throw FieldError.of(field, `must be a ${type}`);
  return value as T | undefined;
}

function strings(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw FieldError.of(field, "must be an array of strings");
  return value.map((item, index) => typed<string>(item, `${field}[${index}]`, "string") as string);
}

/** The configuration as traceJson writes it (a ModelConfig); makeConfig's messages name `config.<field>`. */
function configOf(value: unknown): ModelConfig {
  const config = record(value, "config");
  const server = record(config.server ?? {}, "config.server");
  try {
    return makeConfig({
      variant: typed<string>(config.variant, "config.variant", "string") ?? "(missing)",
      processes: typed<number>(config.processes, "config.processes", "number"),
      faults: strings(config.faults, "config.faults"),
      calls: strings(config.calls, "config.calls"),
      faultsMax: typed<number>(config.faultsMax, "config.faultsMax", "number"),
      overlap: typed<boolean>(config.overlap, "config.overlap", "boolean"),
      mutant: typed<string>(config.mutant, "config.mutant", "string"),
      server: {
        revokeFamilyOnReuse:
          typed<boolean>(server.revokeFamilyOnReuse, "config.server.revokeFamilyOnReuse", "boolean") ?? false,
        graceWindow: typed<boolean>(server.graceWindow, "config.server.graceWindow", "boolean") ?? false,
      },
    });
  } catch (error) {
    if (error instanceof RangeError) throw new FieldError(error.message);
    throw error;
  }
}

function stepOf(value: unknown, index: number, config: ModelConfig): { step: PathStep; label: string } {
  const field = `steps[${index}]`;
  const raw = record(value, field);
  const event = typed<string>(raw.event, `${field}.event`, "string");
  if (event === undefined || !EVENTS.includes(event))
    throw FieldError.of(`${field}.event`, `unknown event '${String(event)}'`);
  const actor = raw.process;
  const names = PROCESS_NAMES.slice(0, config.processes);
  const process = actor === null ? -1 : names.indexOf(actor as never);
  if (actor !== null && process < 0) {
    throw FieldError.of(
      `${field}.process`,
      `'${String(actor)}' is not ${names.join(", ")} or null (the world)`,
    );
  }
  return {
    step: { event: event as EventName, process },
    label: typed<string>(raw.label, `${field}.label`, "string") ?? "",
  };
}

/** Walks the path on the model: every step must be enabled, and a safety trace's last step must break it. */
function checkOnModel(config: ModelConfig, path: readonly PathStep[], invariant: InvariantName): void {
  const stepper = makeStepper(config);
  let state: ExplorerState = {
    locations: Array.from({ length: config.processes }, () => "idle" as const),
    data: initialData(config.processes),
  };
  for (const [index, want] of path.entries()) {
    const step = stepper
      .successors(state)
      .find((next) => next.event === want.event && next.process === want.process);
    if (!step) {
      const what = `${processName(want.process)} ${want.event}`;
      throw FieldError.of(
        `steps[${index}]`,
        `${what} is not enabled in the model of ${configName(config)} here`,
      );
    }
    const last = index === path.length - 1;
    if (last && !isProgress(invariant) && !brokenBy(state, step).includes(invariant))
      throw FieldError.of(`steps[${index}]`, `the last step does not break ${invariant} in the model`);
    state = step.next;
  }
  if (path.length === 0 && !isProgress(invariant))
    throw FieldError.of("steps", `a ${invariant} counterexample needs at least one step`);
}

function isProgress(invariant: InvariantName): boolean {
  return (PROGRESS_INVARIANTS as readonly string[]).includes(invariant);
}

/** Pure: the text of a trace file to a trace; every problem names the file and the field. */
export function parseTrace(text: string, file: string): TraceLoad {
  try {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      return { ok: false, message: `${file}: not JSON (${(error as Error).message})` };
    }
    const top = record(json, "(root)");
    const invariant = typed<string>(top.invariant, "invariant", "string");
    if (invariant === undefined || !(INVARIANTS as readonly string[]).includes(invariant))
      throw FieldError.of(
        "invariant",
        `unknown invariant '${String(invariant)}' (known: ${INVARIANTS.join(", ")})`,
      );
    const config = configOf(top.config);
    if (!Array.isArray(top.steps)) throw FieldError.of("steps", "must be an array");
    const steps = top.steps.map((step, index) => stepOf(step, index, config));
    const path = steps.map(({ step }) => step);
    checkOnModel(config, path, invariant as InvariantName);
    const theorem = typed<string>(top.theorem, "theorem", "string") ?? null;
    const labels = steps.map(({ label }) => label);
    return {
      ok: true,
      trace: { file, theorem, invariant: invariant as InvariantName, config, path, labels },
    };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, message: `${file}: ${error.message}` };
    throw error;
  }
}

export function loadTrace(file: string): TraceLoad {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return {
      ok: false,
      message: `${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    };
  }
  return parseTrace(text, file);
}

// ---------------------------------------------------------------------------------------------------------
// What the real system held: auth.json, each process, each token as the server knows it at that moment

export interface NamedToken {
  /** R0, R1, ... of account A's family; B.R0, ... of account B's (the names the trace uses). */
  name: string;
  /** Redacted. */
  shown: string;
  status: "current" | "rotated out" | "revoked" | "unknown";
  /** The account of the family that issued it (null: a token the server never issued). */
  account: string | null;
  familyId: string | null;
  generation: number | null;
}

export type DiskView =
  | { kind: "absent" }
  | { kind: "unreadable"; detail: string }
  | { kind: "ok"; accountId: string | null; token: NamedToken };

export interface ProcessView {
  name: string;
  /** idle, down, the port call it is held at, or `broken: ...`. */
  at: string;
  cache: { accountId: string | null; token: NamedToken } | null;
  poisoned: boolean;
}

export interface RealView {
  disk: DiskView;
  processes: ProcessView[];
}

/** A call that returned: `ok R1`, `permanent: refreshing with ... failed: 401 ...`. */
export interface CallOutcome {
  process: string;
  event: string;
  ok: boolean;
  detail: string;
  /** The manager said the caller is logged out: skipped, logged-out, or a permanent (poisoning) failure. */
  toldLoggedOut: boolean;
}

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

type SlotAction = "load" | "start" | "release" | "crash";

interface ObservedAction {
  slot: string;
  action: SlotAction;
  kind: string | null;
  before: RealView;
  after: RealView;
  returned: CallOutcome | null;
}

/** The subject, its slots decorated to look at the real world before and after each action they take. */
function observingSubject(
  inner: Subject,
  server: TokenServer,
): { subject: Subject; actions: ObservedAction[] } {
  const actions: ObservedAction[] = [];
  const slots: ProcessSlot[] = [];
  let home = "";
  const view = async (): Promise<RealView> => {
    const processes: ProcessView[] = [];
    for (const slot of slots) processes.push(await processView(slot, server));
    return { disk: diskView(home, server), processes };
  };
  const observe = async <T>(
    slot: ProcessSlot,
    action: SlotAction,
    kind: string | null,
    act: () => Promise<T>,
  ) => {
    const before = await view();
    const result = await act();
    const call = slot.call;
    const returns = (action === "start" || action === "release") && call?.settled === true;
    const returned = returns && call ? outcomeOf(slot.name, call, server) : null;
    actions.push({ slot: slot.name, action, kind, before, after: await view(), returned });
    return result;
  };
  const subject: Subject = {
    name: inner.name,
    variant: inner.variant,
    slot(request) {
      home = request.home;
      const slot = inner.slot(request);
      slots.push(slot);
      return {
        name: slot.name,
        get call() {
          return slot.call;
        },
        status: () => slot.status(),
        cached: () => slot.cached(),
        load: () => observe(slot, "load", null, () => slot.load()),
        start: (event) => observe(slot, "start", event, () => slot.start(event)),
        release: (kind) => observe(slot, "release", kind, () => slot.release(kind)),
        crash: () => observe(slot, "crash", null, () => slot.crash()),
      };
    },
  };
  return { subject, actions };
}

/** The slot action the conductor takes for a model event (conform/conductor.ts `perform`), or null. */
function slotActionOf(step: PathStep): { action: SlotAction; kind: string | null } | null {
  if (step.process < 0) return null;
  if ((CALL_EVENTS as readonly string[]).includes(step.event)) return { action: "start", kind: step.event };
  if (step.event === "sendRefresh" || step.event === "serverError")
    return { action: "release", kind: "sendRefresh" };
  if ((IO_EVENTS as readonly string[]).includes(step.event) && step.event !== "flushDisk")
    return { action: "release", kind: step.event };
  if (step.event === "crash") return { action: "crash", kind: null };
  if (step.event === "restart") return { action: "load", kind: null };
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// The replay: the path on the real implementation, each step with what the real system did

export interface StepObservation {
  number: number;
  actor: string;
  event: EventName;
  label: string;
  /** Token requests the real server decided during the step. */
  posts: RequestRecord[];
  /** The call that returned at this step, if one did. */
  returned: CallOutcome | null;
  /** The real world around the step; null where no slot action looked (between two world events). */
  before: RealView | null;
  after: RealView | null;
}

export interface ViolationSeen {
  /** The run shows the violation on the real system. */
  observed: boolean;
  lines: string[];
}

export interface ReplayResult {
  implementation: string;
  divergence: Divergence | null;
  stepsRun: number;
  steps: StepObservation[];
  /** Every token request the real server decided, whole tokens (redactRecord before printing). */
  records: RequestRecord[];
  /** After every process loaded auth.json; after the last step run. */
  initial: RealView | null;
  final: RealView | null;
  /** null when the implementation diverged. */
  violation: ViolationSeen | null;
}

function isPost(step: PathStep): boolean {
  return step.process >= 0 && (step.event === "sendRefresh" || step.event === "serverError");
}

/** Lines the slot actions and the server's records up with the steps run. */
function observeSteps(
  trace: ReplayTrace,
  run: readonly PathStep[],
  divergence: Divergence | null,
  records: readonly RequestRecord[],
  actions: readonly ObservedAction[],
) {
  let cursor = trace.config.processes; // the conductor's first actions: every process loads auth.json
  const initial = actions[cursor - 1]?.after ?? null;
  let current = initial;
  let posted = 0;
  const steps: StepObservation[] = [];
  for (const [index, step] of run.entries()) {
    const expected = slotActionOf(step);
    const action = expected === null ? undefined : actions[cursor++];
    if (
      expected !== null &&
      (action?.slot !== processName(step.process) ||
        action.action !== expected.action ||
        action.kind !== expected.kind)
    )
      throw new Error(
        `replay: the slot actions do not line up with the path at step ${index + 1} (conductor changed?)`,
      );
    const next = run[index + 1];
    const seenNext = next === undefined || slotActionOf(next) !== null;
    const before = action?.before ?? current;
    const after = action?.after ?? (seenNext ? (actions[cursor]?.before ?? null) : null);
    current = after;
    const diverged = divergence?.step === index + 1;
    const posts = diverged ? records.slice(posted) : isPost(step) ? records.slice(posted, posted + 1) : [];
    posted += posts.length;
    const label = trace.labels[index] ?? "";
    steps.push({
      number: index + 1,
      actor: processName(step.process),
      event: step.event,
      label,
      posts,
      returned: action?.returned ?? null,
      before,
      after,
    });
  }
  return { steps, initial, final: run.length === 0 ? (actions[cursor]?.before ?? initial) : current };
}

function describeToken(token: NamedToken): string {
  return `${token.name} ${token.shown} (${token.status})`;
}

function describeDisk(disk: DiskView | undefined): string {
  if (disk === undefined) return "not seen";
  if (disk.kind === "absent") return "absent";
  if (disk.kind === "unreadable") return `unreadable (${disk.detail})`;
  return `account_id=${disk.accountId} refresh_token=${describeToken(disk.token)}`;
}

/** What auth.json holds, not how the server now judges its token. */
function diskContent(disk: DiskView | undefined): string {
  return disk?.kind === "ok"
    ? `${disk.accountId} ${disk.token.familyId} ${disk.token.generation}`
    : String(disk?.kind);
}

function describeView(view: RealView): string[] {
  return [
    `auth.json: ${describeDisk(view.disk)}`,
    ...view.processes.map((process) => {
      const cache =
        process.cache === null
          ? "no cache"
          : `cache ${describeToken(process.cache.token)} account_id=${process.cache.accountId}`;
      return `${process.name}: ${process.at}, ${cache}${process.poisoned ? ", poisoned" : ""}`;
    }),
  ];
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

function violationSeen(
  trace: ReplayTrace,
  steps: readonly StepObservation[],
  final: RealView | null,
): ViolationSeen {
  const last = steps[steps.length - 1];
  if (isProgress(trace.invariant) || last === undefined) {
    if (final === null)
      return { observed: false, lines: ["the real state after the last step was not seen"] };
    const after = last === undefined ? "at the start" : `after step ${last.number}`;
    return {
      observed: true,
      lines: [
        `the real system reached, ${after}, the state from which the model shows no fault-free way out:`,
        ...describeView(final).map((line) => `  ${line}`),
      ],
    };
  }
  switch (trace.invariant) {
    case "NoStaleRefreshSent":
      return staleSendSeen(last);
    case "DiskNeverRegresses":
      return regressionSeen(last);
    case "AccountNeverMixed":
      return mixSeen(last);
    default:
      return logoutSeen(last);
  }
}

/** Runs the trace's path on the subject (one token server, one run) and says what the real system showed. */
export async function replayTrace(trace: ReplayTrace, subject: Subject): Promise<ReplayResult> {
  const session = await openSession(trace.config.server);
  try {
    const observed = observingSubject(subject, session.server);
    const outcome = await runPath({ session, subject: observed.subject, config: trace.config }, trace.path);
    const run = trace.path.slice(0, outcome.stepsRun);
    const { steps, initial, final } = observeSteps(
      trace,
      run,
      outcome.divergence,
      outcome.records,
      observed.actions,
    );
    return {
      implementation: subject.name,
      divergence: outcome.divergence,
      stepsRun: outcome.stepsRun,
      steps,
      records: outcome.records,
      initial,
      final,
      violation: outcome.divergence === null ? violationSeen(trace, steps, final) : null,
    };
  } finally {
    await session.close();
  }
}

export function replayExit(result: ReplayResult): number {
  if (result.divergence !== null) return REPLAY_EXIT.diverged;
  return result.violation?.observed ? REPLAY_EXIT.reproduced : REPLAY_EXIT.notObserved;
}

// ---------------------------------------------------------------------------------------------------------
// Output and the command

function formatStep(step: StepObservation): string[] {
  const lines = [
    `${String(step.number).padStart(3)}. ${step.actor} ${step.event}${step.label ? `: ${step.label}` : ""}`,
  ];
  for (const post of step.posts) lines.push(`       ${formatRequestLine(post)}`);
  const [before, after] = [step.before?.disk, step.after?.disk];
  if (after !== undefined && diskContent(before) !== diskContent(after))
    lines.push(`       auth.json: ${describeDisk(after)}`);
  if (step.returned)
    lines.push(`       ${step.returned.process}'s ${step.returned.event} returned ${step.returned.detail}`);
  return lines;
}

/** The seed's closing lines: each process's cached refresh token before and after. */
function cachedLines(initial: RealView | null, final: RealView | null): string[] {
  const lines: string[] = [];
  if (initial === null) return lines;
  for (const [index, process] of (final?.processes ?? []).entries()) {
    const shown = (view: ProcessView | undefined) =>
      view?.cache
        ? `${view.cache.token.shown} (${view.cache.token.name})${view.poisoned ? " (poisoned)" : ""}`
        : "null";
    lines.push(
      `${process.name}:cached_before=${shown(initial?.processes[index])}`,
      `${process.name}:cached_after=${shown(process)}`,
    );
  }
  return lines;
}

function steps(count: number): string {
  return count === 1 ? "1 step" : `${count} steps`;
}

export function formatReplay(trace: ReplayTrace, result: ReplayResult): string {
  const of = trace.theorem === null ? configName(trace.config) : trace.theorem;
  const lines = [
    `replay ${trace.file}: ${trace.invariant} of ${of} (${steps(trace.path.length)}) on ${result.implementation}`,
    `  ${INVARIANT_STATEMENTS[trace.invariant]}`,
    ...(result.initial === null
      ? []
      : [
          `  ${"0".padStart(3)}. start: every process loaded auth.json: ${describeDisk(result.initial.disk)}`,
        ]),
    ...result.steps.flatMap((step) => formatStep(step).map((line) => `  ${line}`)),
    ...cachedLines(result.initial, result.final).map((line) => `  ${line}`),
  ];
  if (result.divergence !== null) {
    lines.push(`${result.implementation} did not follow the model of ${configName(trace.config)}:`);
    lines.push(formatDivergence(trace.path, result.divergence).replace(/^/gm, "  "));
    return lines.join("\n");
  }
  lines.push(
    `the implementation followed the model for ${result.stepsRun === 1 ? "its only step" : `all ${result.stepsRun} steps`}`,
  );
  const seen = result.violation;
  if (seen !== null) {
    const verdict = seen.observed ? "shown on the real system" : "NOT observed on the real system";
    lines.push(`${trace.invariant} violated, ${verdict}:`, ...seen.lines.map((line) => `  ${line}`));
  }
  return lines.join("\n");
}

function outcomeName(exit: number): string {
  const names = Object.entries(REPLAY_EXIT).find(([, code]) => code === exit);
  return names?.[0] ?? String(exit);
}

function replayJson(trace: ReplayTrace, result: ReplayResult) {
  const exit = replayExit(result);
  return {
    file: trace.file,
    theorem: trace.theorem,
    invariant: trace.invariant,
    config: configName(trace.config),
    implementation: result.implementation,
    outcome: outcomeName(exit),
    exit,
    stepsRun: result.stepsRun,
    steps: result.steps.map(({ before: _before, ...step }) => ({
      ...step,
      posts: step.posts.map(redactRecord),
    })),
    divergence: result.divergence,
    violation: result.violation,
  };
}

/** The trace's own design: its mutant when it is a mutant's counterexample, else the reference. */
function traceSubject(config: ModelConfig): SubjectChoice {
  return config.mutant === undefined ? { variant: config.variant } : { mutant: config.mutant };
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs({
    args: argv,
    options: {
      variant: { type: "string" },
      impl: { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0)
    throw new UsageError("name one trace file (out/counterexamples/<theorem>/<Invariant>.json)");
  const chosen =
    values.variant === undefined && values.impl === undefined ? null : resolveSubjectChoice(values);
  const loaded = loadTrace(file);
  if (!loaded.ok) {
    console.error(`authrace replay: ${loaded.message}`);
    return REPLAY_EXIT.usage;
  }
  const { trace } = loaded;
  const reason = drivable(trace.config);
  if (reason !== null) {
    const message = `${file}: ${configName(trace.config)} cannot be driven step by step: ${reason}`;
    if (values.json)
      console.log(
        JSON.stringify(
          {
            file,
            invariant: trace.invariant,
            config: configName(trace.config),
            outcome: "notDrivable",
            exit: REPLAY_EXIT.notDrivable,
            reason,
          },
          null,
          2,
        ),
      );
    else console.log(`authrace replay: ${message}`);
    return REPLAY_EXIT.notDrivable;
  }
  const choice = chosen ?? traceSubject(trace.config);
  const opened = await openSubject(choice);
  if (!opened.ok) {
    console.error(`authrace replay: cannot open ${describeSubjectChoice(choice)}: ${opened.message}`);
    return REPLAY_EXIT.diverged;
  }
  const result = await replayTrace(trace, opened.subject);
  console.log(values.json ? JSON.stringify(replayJson(trace, result), null, 2) : formatReplay(trace, result));
  return replayExit(result);
}

export const command: Command = {
  name: "replay",
  summary: "run a counterexample from authrace verify on a real implementation; show the violation for real",
  usage,
  run,
};
