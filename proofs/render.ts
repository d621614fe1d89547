/**
 * Counterexamples for people and for replay: numbered steps, the seed's log shape, a Mermaid sequence
 * diagram, and a JSON trace. Tokens get stable names (R0, R1, ... for account A; B.R0, ... for B) although
 * the explorer renames generations after every step.
 */
import { processName } from "../common/names.js";
import { configJson, configName } from "../model/config.js";
import {
  ACCOUNT_NAMES,
  DISK_ABSENT,
  DISK_OK,
  DISK_TORN,
  FAMILY_ACCOUNTS,
  generationRanks,
  initialData,
  type ModelData,
  RESPONSE_OK,
  type Snapshot,
} from "../model/data.js";
import { INVARIANT_STATEMENTS } from "./invariants.js";
import type { Trace, TraceStep } from "./trace.js";

type TokenNames = Map<number, string>;

/** In the initial state generation 1 is account A's R0 (model/data.ts `initialData`). */
const INITIAL_NAMES: TokenNames = new Map([[1, "R0"]]);

/** One step with the token names valid before and after it, and the refresh token it POSTed, if any. */
interface NamedStep {
  step: TraceStep;
  before: TokenNames;
  after: TokenNames;
  /** Stable name of the refresh token the step POSTed (sendRefresh, serverError), else null. */
  sent: string | null;
}

/** Token names by family: R0, R1 (A's first login), B.R0 (account B), A2.R0 (A's second login). */
const FAMILY_PREFIXES = ["", "", "B.", "A2."] as const;

/** Carries stable names across the explorer's renaming: new generations get the next name of their family. */
function namedSteps(trace: Trace): NamedStep[] {
  const minted = [0, 1, 0, 0];
  const nextName = (family: 1 | 2 | 3) => {
    const count = minted[family] ?? 0;
    minted[family] = count + 1;
    return `${FAMILY_PREFIXES[family]}R${count}`;
  };
  let names = INITIAL_NAMES;
  return trace.steps.map((step) => {
    // `raw` still uses the generation names of the state before the step.
    const rawNames = new Map(names);
    for (const family of [1, 2, 3] as const) {
      const generation = step.raw.families[family].current;
      if (generation !== 0 && !rawNames.has(generation)) rawNames.set(generation, nextName(family));
    }
    const after: TokenNames = new Map();
    for (const [generation, rank] of generationRanks(step.raw)) {
      const name = rawNames.get(generation);
      if (name) after.set(rank, name);
    }
    const posts = step.event === "sendRefresh" || step.event === "serverError";
    const cache = step.before.data.processes[step.process]?.cache;
    const named = { step, before: names, after, sent: posts && cache ? tokenName(names, cache) : null };
    names = after;
    return named;
  });
}

function tokenName(names: TokenNames, snapshot: Snapshot): string {
  if (snapshot.generation === 0) return "none";
  return names.get(snapshot.generation) ?? `gen${snapshot.generation}`;
}

function describeData(data: ModelData, names: TokenNames): string {
  const { status, snapshot } = data.disk;
  const disk =
    status === DISK_ABSENT
      ? "absent"
      : status === DISK_TORN
        ? `torn (writing ${tokenName(names, snapshot)})`
        : tokenName(names, snapshot);
  const account = status === DISK_OK ? ` account_id=${ACCOUNT_NAMES[snapshot.accountId]}` : "";
  const server = ([1, 2, 3] as const)
    .filter((family) => data.families[family].current !== 0)
    .map((family) => {
      const record = data.families[family];
      const account = ACCOUNT_NAMES[FAMILY_ACCOUNTS[family] ?? 0];
      const token = names.get(record.current) ?? "?";
      return `${account}:${token}${record.revoked ? " (revoked)" : ""}`;
    });
  return `disk ${disk}${account}; server current ${server.join(", ")}`;
}

/** The server's answer to a POST, as the seed's log shows it. */
function verdictOf(named: NamedStep): string {
  if (named.step.event === "serverError") return "500";
  return named.step.raw.processes[named.step.process]?.response === RESPONSE_OK
    ? "200"
    : "401 refresh_token_reused";
}

/** `authrace explain`: the counterexample as numbered steps. */
export function explainTrace(trace: Trace): string {
  const start = trace.steps[0]?.before.data ?? initialData(trace.config.processes);
  const lines = [
    `${trace.invariant} violated in ${configName(trace.config)}`,
    `  ${INVARIANT_STATEMENTS[trace.invariant]}`,
    `0. start: every process cached R0 (stale); ${describeData(start, INITIAL_NAMES)}`,
  ];
  for (const named of namedSteps(trace)) {
    const { step } = named;
    const who = step.actor === "world" ? "" : `${step.actor} `;
    const fault = step.fault ? " [fault]" : "";
    const detail = named.sent ? ` (POST refresh_token=${named.sent})` : "";
    lines.push(
      `${step.number}. ${who}${step.event}${fault}: ${step.label}${detail} -> ${describeData(step.after.data, named.after)}`,
    );
  }
  if (trace.stuckAt)
    lines.push(`From here no fault-free continuation reaches the goal of ${trace.invariant}.`);
  return lines.join("\n");
}

/** The seed's log shape: one line per POST, then each process's cached token before and after. */
export function seedLog(trace: Trace): string {
  const steps = namedSteps(trace);
  const lines = steps
    .filter((named) => named.sent !== null)
    .map(
      (named) => `POST /oauth/token refresh_token=${named.sent} (${named.step.actor}) -> ${verdictOf(named)}`,
    );
  const first = trace.steps[0]?.before.data;
  const last = steps[steps.length - 1];
  if (first && last) {
    last.step.after.data.processes.forEach((process, index) => {
      const name = processName(index);
      const before = first.processes[index]?.cache ?? process.cache;
      lines.push(`${name}:cached_before=${tokenName(INITIAL_NAMES, before)}`);
      lines.push(
        `${name}:cached_after=${tokenName(last.after, process.cache)}${process.poisoned ? " (poisoned)" : ""}`,
      );
    });
  }
  return lines.join("\n");
}

/** A Mermaid sequence diagram of the counterexample. */
export function mermaid(trace: Trace): string {
  const actors = Array.from({ length: trace.config.processes }, (_, index) => processName(index));
  const lines = [
    "sequenceDiagram",
    ...actors.map((actor) => `  participant ${actor}`),
    "  participant Disk as auth.json",
    "  participant Server as token endpoint",
  ];
  const requests = trace.steps.some((step) => step.event === "sendRequest");
  if (requests) lines.push("  participant API");
  for (const named of namedSteps(trace)) {
    const { step } = named;
    const actor = step.actor === "world" ? "Disk" : step.actor;
    const text = `${step.number}. ${step.event}${step.fault ? " (fault)" : ""}`;
    if (named.sent) lines.push(`  ${actor}->>Server: ${text} refresh_token=${named.sent}`);
    else if (step.event === "readDisk" || step.event === "writeDisk" || step.event === "flushDisk") {
      lines.push(
        `  ${actor}->>Disk: ${text} (disk ${tokenName(named.after, step.after.data.disk.snapshot)})`,
      );
    } else if (step.event === "receiveResponse") lines.push(`  Server-->>${actor}: ${text}`);
    else if (step.event === "sendRequest") {
      const cache = step.before.data.processes[step.process]?.cache;
      const answer = step.after.locations[step.process] === "idle" ? "200" : "401";
      const token = cache ? tokenName(named.before, cache) : "none";
      lines.push(`  ${actor}->>API: ${text} access token of ${token}: ${answer}`);
    } else lines.push(`  Note over ${actor}: ${text}`);
  }
  lines.push(`  Note over ${actors.join(",")}: ${trace.invariant} violated`);
  return lines.join("\n");
}

/** The JSON trace `authrace replay` runs on the real implementation. */
export function traceJson(trace: Trace, theorem: string) {
  return {
    theorem,
    invariant: trace.invariant,
    config: configJson(trace.config),
    steps: namedSteps(trace).map(({ step, after, sent }) => ({
      number: step.number,
      event: step.event,
      process: step.actor === "world" ? null : step.actor,
      label: step.label,
      fault: step.fault,
      ...(sent ? { refreshToken: sent } : {}),
      disk: describeData(step.after.data, after),
    })),
    stuck: trace.stuckAt !== null,
  };
}
