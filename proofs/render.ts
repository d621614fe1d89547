/**
 * Counterexamples for people and for replay: numbered steps, the seed's log shape, a Mermaid sequence
 * diagram, and a JSON trace. Tokens get stable names (R0, R1, ... for account A; B.R0, ... for B) although
 * the explorer renames generations after every step.
 */

import { configName } from "../model/config.js";
import { ACCOUNT_NAMES, generationRanks, type ModelData, type Snapshot } from "../model/data.js";
import { INVARIANT_STATEMENTS } from "./invariants.js";
import { processName, type Trace, type TraceStep } from "./trace.js";

/** Per step: generation (as named in that step's `after`) -> stable token name. */
function stableNames(trace: Trace): Map<number, string>[] {
  const minted = [0, 0, 0];
  let names = new Map<number, string>([[1, "R0"]]);
  minted[1] = 1;
  const perStep: Map<number, string>[] = [];
  const nameOf = (family: number) => {
    const count = minted[family] ?? 0;
    minted[family] = count + 1;
    return family === 2 ? `B.R${count}` : `R${count}`;
  };
  for (const step of trace.steps) {
    const raw = step.raw;
    const rawNames = new Map(names);
    for (const family of [1, 2]) {
      const generation = raw.families[family as 1 | 2].current;
      if (generation !== 0 && !rawNames.has(generation)) rawNames.set(generation, nameOf(family));
    }
    const next = new Map<number, string>();
    for (const [generation, rank] of generationRanks(raw)) {
      const name = rawNames.get(generation);
      if (name) next.set(rank, name);
    }
    perStep.push(next);
    names = next;
  }
  return perStep;
}

function tokenName(names: Map<number, string>, snapshot: Snapshot): string {
  if (snapshot.generation === 0) return "none";
  return names.get(snapshot.generation) ?? `gen${snapshot.generation}`;
}

function describeData(data: ModelData, names: Map<number, string>): string {
  const disk =
    data.disk.status === 0
      ? "absent"
      : data.disk.status === 2
        ? `torn (writing ${tokenName(names, data.disk.snapshot)})`
        : tokenName(names, data.disk.snapshot);
  const account = data.disk.status === 1 ? ` account_id=${ACCOUNT_NAMES[data.disk.snapshot.accountId]}` : "";
  const server = [1, 2]
    .filter((family) => data.families[family as 1 | 2].current !== 0)
    .map((family) => {
      const record = data.families[family as 1 | 2];
      const current = names.get(record.current) ?? "?";
      return `${ACCOUNT_NAMES[family]}:${current}${record.revoked ? " (revoked)" : ""}`;
    });
  return `disk ${disk}${account}; server current ${server.join(", ")}`;
}

function stepLine(step: TraceStep, before: Map<number, string>, after: Map<number, string>): string {
  const who = step.actor === "world" ? "" : `${step.actor} `;
  const fault = step.fault ? " [fault]" : "";
  let detail = "";
  if (step.event === "sendRefresh" || step.event === "serverError") {
    const process = step.before.data.processes[processIndexOf(step.actor)];
    detail = ` (POST refresh_token=${tokenName(before, process?.cache ?? { accountId: 0, family: 0, generation: 0 })})`;
  }
  return `${step.number}. ${who}${step.event}${fault}: ${step.label}${detail} -> ${describeData(step.after.data, after)}`;
}

function processIndexOf(actor: string): number {
  return actor.charCodeAt(0) - "A".charCodeAt(0);
}

/** `authrace explain`: the counterexample as numbered steps. */
export function explainTrace(trace: Trace): string {
  const names = stableNames(trace);
  const lines = [
    `${trace.invariant} violated in ${configName(trace.config)}`,
    `  ${INVARIANT_STATEMENTS[trace.invariant]}`,
    `0. start: every process cached R0 (stale); ${describeData(trace.steps[0]?.before.data ?? ({} as ModelData), new Map([[1, "R0"]]))}`,
  ];
  trace.steps.forEach((step, index) => {
    lines.push(stepLine(step, names[index - 1] ?? new Map([[1, "R0"]]), names[index] as Map<number, string>));
  });
  if (trace.stuckAt)
    lines.push(`From here no fault-free continuation reaches the goal of ${trace.invariant}.`);
  return lines.join("\n");
}

/** The seed's log shape: one line per POST, then each process's cached token before and after. */
export function seedLog(trace: Trace): string {
  const names = stableNames(trace);
  const lines: string[] = [];
  trace.steps.forEach((step, index) => {
    if (step.event !== "sendRefresh" && step.event !== "serverError") return;
    const process = step.before.data.processes[processIndexOf(step.actor)];
    const before = names[index - 1] ?? new Map([[1, "R0"]]);
    const token = tokenName(before, process?.cache ?? { accountId: 0, family: 0, generation: 0 });
    const response = step.raw.processes[processIndexOf(step.actor)]?.response;
    const verdict =
      step.event === "serverError" ? "500" : response === 1 ? "200" : "401 refresh_token_reused";
    lines.push(`POST /oauth/token refresh_token=${token} (${step.actor}) -> ${verdict}`);
  });
  const first = trace.steps[0]?.before.data;
  const last = trace.steps[trace.steps.length - 1];
  const lastNames = names[names.length - 1] ?? new Map([[1, "R0"]]);
  if (first && last) {
    last.after.data.processes.forEach((process, index) => {
      const name = processName(index);
      lines.push(
        `${name}:cached_before=${tokenName(new Map([[1, "R0"]]), first.processes[index]?.cache ?? process.cache)}`,
      );
      lines.push(
        `${name}:cached_after=${tokenName(lastNames, process.cache)}${process.poisoned ? " (poisoned)" : ""}`,
      );
    });
  }
  return lines.join("\n");
}

/** A Mermaid sequence diagram of the counterexample. */
export function mermaid(trace: Trace): string {
  const names = stableNames(trace);
  const actors = Array.from({ length: trace.config.processes }, (_, index) => processName(index));
  const lines = [
    "sequenceDiagram",
    ...actors.map((actor) => `  participant ${actor}`),
    "  participant Disk as auth.json",
    "  participant Server as token endpoint",
  ];
  trace.steps.forEach((step, index) => {
    const before = names[index - 1] ?? new Map([[1, "R0"]]);
    const after = names[index] as Map<number, string>;
    const actor = step.actor === "world" ? "Disk" : step.actor;
    const text = `${step.number}. ${step.event}${step.fault ? " (fault)" : ""}`;
    const process = step.before.data.processes[processIndexOf(step.actor)];
    switch (step.event) {
      case "sendRefresh":
      case "serverError":
        lines.push(
          `  ${actor}->>Server: ${text} refresh_token=${tokenName(before, process?.cache ?? { accountId: 0, family: 0, generation: 0 })}`,
        );
        break;
      case "readDisk":
      case "writeDisk":
      case "flushDisk":
        lines.push(`  ${actor}->>Disk: ${text} (disk ${tokenName(after, step.after.data.disk.snapshot)})`);
        break;
      case "receiveResponse":
        lines.push(`  Server-->>${actor}: ${text}`);
        break;
      default:
        lines.push(`  Note over ${actor}: ${text}`);
    }
  });
  lines.push(`  Note over ${actors.join(",")}: ${trace.invariant} violated`);
  return lines.join("\n");
}

/** The JSON trace `authrace replay` runs on the real implementation. */
export function traceJson(trace: Trace, theorem: string) {
  const names = stableNames(trace);
  return {
    theorem,
    invariant: trace.invariant,
    config: trace.config,
    steps: trace.steps.map((step, index) => {
      const process = step.before.data.processes[processIndexOf(step.actor)];
      const before = names[index - 1] ?? new Map([[1, "R0"]]);
      return {
        number: step.number,
        event: step.event,
        process: step.actor === "world" ? null : step.actor,
        label: step.label,
        fault: step.fault,
        ...(step.event === "sendRefresh" || step.event === "serverError"
          ? { refreshToken: tokenName(before, process?.cache ?? { accountId: 0, family: 0, generation: 0 }) }
          : {}),
        disk: describeData(step.after.data, names[index] as Map<number, string>),
      };
    }),
    stuck: trace.stuckAt !== null,
  };
}
