/**
 * The trace file `authrace verify` writes (proofs/render.ts traceJson), read back for a replay: every field
 * checked, the path walked on the model (each step enabled, a safety trace's last step breaking its
 * invariant). Pure apart from loadTrace's one read; every problem is a message naming the file and the field.
 */
import { readFileSync } from "node:fs";
import { PROCESS_NAMES, processName } from "../../common/names.js";
import { configName, type ModelConfig, makeConfig } from "../../model/config.js";
import {
  CALL_EVENTS,
  ENVIRONMENT_EVENTS,
  type EventName,
  FAULT_EVENTS,
  INVARIANTS,
  type InvariantName,
  IO_EVENTS,
} from "../../model/vocabulary.js";
import { brokenBy, PROGRESS_INVARIANTS } from "../../proofs/invariants.js";
import { type ExplorerState, initialState } from "../../proofs/state.js";
import { makeStepper } from "../../proofs/step.js";
import type { PathStep } from "../lockstep.js";

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

/** A progress invariant's counterexample ends in a state with no fault-free way out, not at a breaking step. */
export function isProgress(invariant: InvariantName): boolean {
  return (PROGRESS_INVARIANTS as readonly string[]).includes(invariant);
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
      loginTakesLock: typed<boolean>(config.loginTakesLock, "config.loginTakesLock", "boolean"),
      server: {
        revokeFamilyOnReuse:
          typed<boolean>(server.revokeFamilyOnReuse, "config.server.revokeFamilyOnReuse", "boolean") ?? false,
        graceWindow: typed<boolean>(server.graceWindow, "config.server.graceWindow", "boolean") ?? false,
        apiChecksExpiryOnly:
          typed<boolean>(server.apiChecksExpiryOnly, "config.server.apiChecksExpiryOnly", "boolean") ?? false,
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
  let state: ExplorerState = initialState(config.processes);
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

function invariantOf(value: unknown): InvariantName {
  const invariant = typed<string>(value, "invariant", "string");
  if (invariant === undefined || !(INVARIANTS as readonly string[]).includes(invariant))
    throw FieldError.of(
      "invariant",
      `unknown invariant '${String(invariant)}' (known: ${INVARIANTS.join(", ")})`,
    );
  return invariant as InvariantName;
}

/** The checks in the order the messages have always come: JSON, root, invariant, config, steps, model. */
function traceOf(json: unknown, file: string): ReplayTrace {
  const top = record(json, "(root)");
  const invariant = invariantOf(top.invariant);
  const config = configOf(top.config);
  if (!Array.isArray(top.steps)) throw FieldError.of("steps", "must be an array");
  const steps = top.steps.map((step, index) => stepOf(step, index, config));
  const path = steps.map(({ step }) => step);
  checkOnModel(config, path, invariant);
  const theorem = typed<string>(top.theorem, "theorem", "string") ?? null;
  const labels = steps.map(({ label }) => label);
  return { file, theorem, invariant, config, path, labels };
}

/** Pure: the text of a trace file to a trace; every problem names the file and the field. */
export function parseTrace(text: string, file: string): TraceLoad {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${file}: not JSON (${(error as Error).message})` };
  }
  try {
    return { ok: true, trace: traceOf(json, file) };
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
