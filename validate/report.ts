/**
 * Text and JSON views of a validation: the verdict, then either the behaviour of the model that explains the
 * whole history (model steps between the observations they lead to), or the first observation no behaviour
 * explains, why, and the longest prefix the model explains. Holds no token (run files hold none).
 */
import type { History, Step } from "./history.js";
import type { Via } from "./node.js";
import type { RunFile, TokenRef } from "./run-file.js";
import type { Validation } from "./search.js";

/** Lines of a path printed in text unless `full`. */
export const PATH_LINES_SHOWN = 80;

function token(ref: TokenRef | null): string {
  return ref === null ? "a token the server never issued" : `R${ref.generation} (${ref.family})`;
}

function at(step: Step): string {
  const time = "at" in step ? step.at : step.to;
  return `${time.toFixed(1).padStart(9)} ms`;
}

/** One observation in words. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "post":
      return `POST ${token(step.token)} -> ${step.status} ${step.verdict}${step.code ? ` (${step.code})` : ""}`;
    case "disk":
      if (step.state !== "ok") return `auth.json ${step.state} (${step.change})`;
      return `auth.json holds ${token(step.refresh)} (${step.change})`;
    case "lock":
      return step.held ? `lock held (${step.file})` : "no lock held";
    case "send":
      return `${step.process}.${step.call}() sent`;
    case "return": {
      const returned =
        typeof step.returned === "string"
          ? step.returned
          : `${token(step.returned)}${step.poisoned ? " poisoned" : ""}`;
      const outcome = step.outcome === "fails" ? ", failed" : "";
      return `${step.process}.${step.call}() -> ${returned}${outcome}`;
    }
    case "login":
      return `the harness logs in again: ${step.family}`;
  }
}

function processName(run: RunFile, process: number): string {
  return process < 0 ? "world" : (run.processes[process] ?? `process ${process}`);
}

function describeVia(run: RunFile, history: History, via: Via): string {
  if (via.kind === "root") return "start: every process idle with R0 cached";
  if (via.kind === "step")
    return `        model  ${processName(run, via.process)} ${via.event}: ${via.label}`;
  const step = history.steps[via.index] as Step;
  const what = `#${String(via.index).padEnd(4)} ${at(step)}  ${describeStep(step)}`;
  return via.event === null
    ? what
    : `${what}\n          model  ${processName(run, via.process)} ${via.event}: ${via.label}`;
}

function pathLines(run: RunFile, history: History, path: readonly Via[], full: boolean): string[] {
  const shown = full ? path : path.slice(0, PATH_LINES_SHOWN);
  const lines = shown.map((via) => `  ${describeVia(run, history, via)}`);
  if (shown.length < path.length)
    lines.push(`  ... ${path.length - shown.length} more steps (--full shows all)`);
  return lines;
}

function header(run: RunFile, file: string, validation: Validation): string {
  const checked = "history" in validation ? `, ${validation.history.steps.length} checked` : "";
  return `${file}: ${run.implementation}, ${run.run}, ${run.processes.length} processes, ${run.observations.length} observations${checked}; design ${validation.design}`;
}

export function formatValidation(run: RunFile, file: string, validation: Validation, full: boolean): string {
  const lines = [header(run, file, validation)];
  for (const problem of run.incomplete) lines.push(`note: the recording is incomplete: ${problem}`);
  if ("history" in validation && validation.history.truncated)
    lines.push(`note: ${validation.history.truncated}`);
  switch (validation.verdict) {
    case "unusable":
      lines.push(`CANNOT CHECK: ${validation.message}`);
      break;
    case "limit":
      lines.push(`LIMIT REACHED (no verdict): ${validation.message}`);
      break;
    case "consistent":
      lines.push(
        `CONSISTENT: one behaviour of ${validation.design}'s model explains every observation:`,
        ...pathLines(run, validation.history, validation.path, full),
      );
      break;
    case "inconsistent": {
      const { history, stuckAt } = validation;
      const step = history.steps[stuckAt] as Step;
      lines.push(
        `INCONSISTENT: no behaviour of ${validation.design}'s model explains observation #${stuckAt} (after ${validation.explained} explained):`,
        `  #${stuckAt} ${at(step)}  ${describeStep(step)}`,
        "  why, as each model state that got this far says:",
        ...validation.reasons.map(
          ({ reason, states }) => `    ${states} state${states === 1 ? "" : "s"}: ${reason}`,
        ),
        "  the longest prefix the model explains, as one behaviour:",
        ...pathLines(run, history, validation.prefix, full),
      );
      break;
    }
  }
  if ("stats" in validation) {
    const { nodes, seconds } = validation.stats;
    lines.push(`search: ${nodes} states of the model with the history, ${seconds.toFixed(2)} s`);
  }
  return lines.join("\n");
}

function viaJson(history: History, via: Via): unknown {
  if (via.kind !== "observation") return via;
  return { ...via, observation: history.steps[via.index] };
}

export function validationJson(run: RunFile, file: string, validation: Validation): unknown {
  const base = {
    file,
    implementation: run.implementation,
    run: run.run,
    processes: run.processes,
    design: validation.design,
    verdict: validation.verdict,
    observations: run.observations.length,
    incomplete: run.incomplete,
  };
  switch (validation.verdict) {
    case "unusable":
    case "limit":
      return { ...base, message: validation.message };
    case "consistent":
      return {
        ...base,
        checked: validation.history.steps.length,
        truncated: validation.history.truncated,
        path: validation.path.map((via) => viaJson(validation.history, via)),
        stats: validation.stats,
      };
    case "inconsistent":
      return {
        ...base,
        checked: validation.history.steps.length,
        truncated: validation.history.truncated,
        explained: validation.explained,
        stuckAt: { index: validation.stuckAt, observation: validation.history.steps[validation.stuckAt] },
        reasons: validation.reasons,
        prefix: validation.prefix.map((via) => viaJson(validation.history, via)),
        stats: validation.stats,
      };
  }
}
