/**
 * A recorded run (`--record FILE`): what an outside observer saw of a real run, each observation with the
 * time (or the window of time) it happened in, ms since recording started. It holds no token: every token is
 * stored as the family and generation the token server knows it by, so a run file is safe to commit.
 *
 *   post    the server decided a token request (its ledger): the presented token, verdict, status. `at` is
 *           exact (the server's decision is one step of its event loop).
 *   disk    auth.json as read at some instant in [from, to]: absent, unreadable (torn), or its account and
 *           tokens; `change` says how the file changed since the previous sample (in place: same inode and
 *           birth time; replaced: another file renamed over it).
 *   lock    whether any lock file was held at an instant of [from, to] (a lock directory present, or a lock
 *           on a lock file's inode in /proc/locks); `file` names the ones held.
 *   send    the harness sent a call to a process at `at` (nothing of the call happens before).
 *   return  that call's answer arrived at `to`; the process returned somewhere in [from, to].
 */
import { readFileSync, writeFileSync } from "node:fs";
import { isVariant } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { VERDICTS, type Verdict } from "../server/index.js";

export const RUN_FILE_FORMAT = "authrace-run/1";

/** A token as the server knows it: `family-1` generation 0 is R0 of the first family. */
export interface TokenRef {
  family: string;
  generation: number;
}

/**
 * The calls a harness makes. `refresh-then-auth` is Codex app-server's getAuthStatus with refreshToken true:
 * `refresh_token()`, then `auth()` (codex-rs app-server `get_auth_status`), so a stale cache left by a failed
 * refresh is refreshed once more within the same call.
 */
export const CALL_KINDS = ["auth", "refresh", "unauthorized", "cached", "refresh-then-auth"] as const;
export type CallKind = (typeof CALL_KINDS)[number];

/** ok; fails: an error or auth()'s logged refresh error; unsupported: the implementation has no such call. */
export const CALL_OUTCOMES = ["ok", "fails", "unsupported", "transport"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** What a call returned: no auth, a poisoned snapshot withheld (Codex's null), a token, or one the server never issued. */
export type Returned = TokenRef | "none" | "withheld" | "unidentified";

export const DISK_CHANGES = ["first", "in-place", "replaced", "created", "removed"] as const;
export type DiskChange = (typeof DISK_CHANGES)[number];

export type Observation =
  | {
      kind: "post";
      at: number;
      seq: number;
      token: TokenRef | null;
      verdict: Verdict;
      status: number;
      code: string | null;
    }
  | {
      kind: "disk";
      from: number;
      to: number;
      state: "absent" | "unreadable" | "ok";
      account: string | null;
      refresh: TokenRef | null;
      access: TokenRef | null;
      change: DiskChange;
    }
  | { kind: "lock"; from: number; to: number; file: string; held: boolean }
  | { kind: "send"; at: number; process: string; call: CallKind; id: number }
  | {
      kind: "return";
      from: number;
      to: number;
      process: string;
      call: CallKind;
      id: number;
      outcome: CallOutcome;
      returned: Returned;
      poisoned: boolean;
    };

export type ObservationKind = Observation["kind"];

export interface RunFile {
  format: typeof RUN_FILE_FORMAT;
  recordedAt: string;
  /** `reference:guarded`, `codex:0.117.0`, `mutant:no-reread-after-lock`, `codex:/path/to/codex` */
  implementation: string;
  /** The design the implementation mirrors or claims (what `authrace validate` checks by default); null: none. */
  design: Variant | null;
  /** `scenario stale-cache`, `stress 4 x 50 seed 1` */
  run: string;
  /** Process names in the order they map to the model's processes 0, 1, ... */
  processes: string[];
  server: { revokeFamilyOnReuse: boolean; graceWindow: boolean };
  /** The account the fixture logged in to (auth.json's `tokens.account_id`). */
  account: string;
  /** reported: a failed refresh shows in the reply; hidden: it does not (Codex app-server reports none). */
  callOutcomes: "reported" | "hidden";
  /** Recorder limits that were hit: the observations are then incomplete and say so. */
  incomplete: string[];
  observations: Observation[];
}

/** The time an observation's event happened in: [lo, hi] (a point for post and send). */
export function window(observation: Observation): { lo: number; hi: number } {
  return "at" in observation
    ? { lo: observation.at, hi: observation.at }
    : { lo: observation.from, hi: observation.to };
}

export function writeRunFile(path: string, run: RunFile): void {
  writeFileSync(path, `${JSON.stringify(run, null, 1)}\n`);
}

export type RunFileLoad = { ok: true; run: RunFile } | { ok: false; message: string };

class FieldError extends Error {}

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new FieldError(`${field}: must be an object`);
  return value as Record<string, unknown>;
}

function typed<T>(value: unknown, field: string, type: "string" | "number" | "boolean"): T {
  if (typeof value !== type) throw new FieldError(`${field}: must be a ${type}`);
  if (type === "number" && !Number.isFinite(value)) throw new FieldError(`${field}: must be a finite number`);
  return value as T;
}

function oneOf<T extends string>(value: unknown, list: readonly T[], field: string): T {
  if (typeof value !== "string" || !(list as readonly string[]).includes(value))
    throw new FieldError(`${field}: must be one of ${list.join(", ")}`);
  return value as T;
}

function tokenRef(value: unknown, field: string): TokenRef | null {
  if (value === null) return null;
  const raw = object(value, field);
  return {
    family: typed<string>(raw.family, `${field}.family`, "string"),
    generation: typed<number>(raw.generation, `${field}.generation`, "number"),
  };
}

function returned(value: unknown, field: string): Returned {
  if (value === "none" || value === "withheld" || value === "unidentified") return value;
  const ref = tokenRef(value, field);
  if (ref === null) throw new FieldError(`${field}: must be a token, "none", "withheld" or "unidentified"`);
  return ref;
}

/** One observation, every field checked; `field` is its place in the file (`observations[3]`). */
function observationOf(value: unknown, field: string): Observation {
  const raw = object(value, field);
  const kind = oneOf(raw.kind, ["post", "disk", "lock", "send", "return"] as const, `${field}.kind`);
  const num = (name: string) => typed<number>(raw[name], `${field}.${name}`, "number");
  const str = (name: string) => typed<string>(raw[name], `${field}.${name}`, "string");
  switch (kind) {
    case "post":
      return {
        kind,
        at: num("at"),
        seq: num("seq"),
        token: tokenRef(raw.token, `${field}.token`),
        verdict: oneOf(raw.verdict, VERDICTS, `${field}.verdict`),
        status: num("status"),
        code: raw.code === null ? null : str("code"),
      };
    case "disk":
      return {
        kind,
        from: num("from"),
        to: num("to"),
        state: oneOf(raw.state, ["absent", "unreadable", "ok"] as const, `${field}.state`),
        account: raw.account === null ? null : str("account"),
        refresh: tokenRef(raw.refresh, `${field}.refresh`),
        access: tokenRef(raw.access, `${field}.access`),
        change: oneOf(raw.change, DISK_CHANGES, `${field}.change`),
      };
    case "lock":
      return {
        kind,
        from: num("from"),
        to: num("to"),
        file: str("file"),
        held: typed(raw.held, `${field}.held`, "boolean"),
      };
    case "send":
      return {
        kind,
        at: num("at"),
        process: str("process"),
        call: oneOf(raw.call, CALL_KINDS, `${field}.call`),
        id: num("id"),
      };
    case "return":
      return {
        kind,
        from: num("from"),
        to: num("to"),
        process: str("process"),
        call: oneOf(raw.call, CALL_KINDS, `${field}.call`),
        id: num("id"),
        outcome: oneOf(raw.outcome, CALL_OUTCOMES, `${field}.outcome`),
        returned: returned(raw.returned, `${field}.returned`),
        poisoned: typed<boolean>(raw.poisoned, `${field}.poisoned`, "boolean"),
      };
  }
}

/** The run file's content, every field checked; a problem is a FieldError naming the field. */
export function runFileOf(value: unknown): RunFile {
  const raw = object(value, "(top level)");
  if (raw.format !== RUN_FILE_FORMAT) throw new FieldError(`format: must be "${RUN_FILE_FORMAT}"`);
  const design = raw.design === null ? null : typed<string>(raw.design, "design", "string");
  if (design !== null && !isVariant(design)) throw new FieldError(`design: unknown design '${design}'`);
  const server = object(raw.server, "server");
  if (!Array.isArray(raw.processes) || raw.processes.length === 0)
    throw new FieldError("processes: must be a non-empty array of names");
  if (!Array.isArray(raw.observations)) throw new FieldError("observations: must be an array");
  if (!Array.isArray(raw.incomplete)) throw new FieldError("incomplete: must be an array");
  const processes = raw.processes.map((name, index) => typed<string>(name, `processes[${index}]`, "string"));
  const observations = raw.observations.map((item, index) => observationOf(item, `observations[${index}]`));
  for (const [index, observation] of observations.entries()) {
    if ("process" in observation && !processes.includes(observation.process))
      throw new FieldError(`observations[${index}].process: '${observation.process}' is not in processes`);
  }
  return {
    format: RUN_FILE_FORMAT,
    recordedAt: typed<string>(raw.recordedAt, "recordedAt", "string"),
    implementation: typed<string>(raw.implementation, "implementation", "string"),
    design,
    run: typed<string>(raw.run, "run", "string"),
    processes,
    server: {
      revokeFamilyOnReuse: typed<boolean>(
        server.revokeFamilyOnReuse,
        "server.revokeFamilyOnReuse",
        "boolean",
      ),
      graceWindow: typed<boolean>(server.graceWindow, "server.graceWindow", "boolean"),
    },
    account: typed<string>(raw.account, "account", "string"),
    callOutcomes: oneOf(raw.callOutcomes, ["reported", "hidden"] as const, "callOutcomes"),
    incomplete: raw.incomplete.map((item, index) => typed<string>(item, `incomplete[${index}]`, "string")),
    observations,
  };
}

/** Reads and checks a run file; every problem names the file, and the field when it is one. */
export function loadRunFile(path: string): RunFileLoad {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    return { ok: false, message: `${path}: cannot read: ${(error as NodeJS.ErrnoException).code ?? error}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `${path}: not JSON: ${(error as Error).message}` };
  }
  try {
    return { ok: true, run: runFileOf(json) };
  } catch (error) {
    if (error instanceof FieldError) return { ok: false, message: `${path}: ${error.message}` };
    throw error;
  }
}
