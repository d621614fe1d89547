/**
 * The generated parts of docs/spec.md. Hand-written prose stays outside the markers
 * `<!-- generated:NAME -->` ... `<!-- /generated -->`; everything between them is produced here from the
 * model itself (vocabulary, transition table, invariants, pinned verdicts, shortest counterexamples), so the
 * spec cannot drift from what is proved. `authrace docs` writes it; `authrace docs --check` and
 * test/docs/spec-sync.test.ts fail when docs/spec.md differs from what this would write.
 */
import { PROCESS_NAMES, processName } from "../common/names.js";
import { configName, type ModelConfig } from "../model/config.js";
import { builtInDesigns, requireDesign, VARIANTS } from "../model/designs/index.js";
import { type EventName, INVARIANTS, type InvariantName, type Variant } from "../model/vocabulary.js";
import { explore } from "./explorer.js";
import { brokenBy, INVARIANT_STATEMENTS, SAFETY_INVARIANTS } from "./invariants.js";
import { explainTrace, mermaid } from "./render.js";
import { sourcePath } from "./source-tree.js";
import { eventsWithoutLocation, stateDiagram } from "./spec-diagrams.js";
import { initialState } from "./state.js";
import { makeStepper } from "./step.js";
import {
  explainedTheoremName,
  findTheorem,
  type PinnedTheorem,
  type PinnedTheorems,
  THEOREMS,
} from "./theorems.js";
import { type Trace, traceOf, traceOfPath } from "./trace.js";

/** docs/spec.md in the source tree, also when running from dist/proofs/. */
export function specPath(): string {
  return sourcePath("docs", "spec.md");
}

/** What each step means and which port call of the implementation it is. A Record, so a new event fails to compile until described. */
const EVENT_STEPS: Record<EventName, { kind: string; meaning: string; port: string }> = {
  callAuth: { kind: "call", meaning: "a caller asks for a token while the cache is stale", port: "`auth()`" },
  callRefresh: { kind: "call", meaning: "a caller forces a refresh", port: "`refreshToken()`" },
  callUnauthorized: {
    kind: "call",
    meaning: "a caller makes an API request with the cached access token; a 401 runs recovery",
    port: "`unauthorized()`: the request and 401 recovery (`UnauthorizedRecovery`)",
  },
  acquireLock: {
    kind: "I/O",
    meaning: "the cross-process lock is granted",
    port: "lock port: acquire (`proper-lockfile`)",
  },
  readDisk: {
    kind: "I/O",
    meaning: "auth.json is read and parsed (guarded reload, re-read before a save, reload after it)",
    port: "storage port: read (typed error when unreadable, missing or torn)",
  },
  sendRefresh: {
    kind: "I/O",
    meaning: "the POST reaches the token endpoint, which rotates the refresh token or rejects it as reused",
    port: "token client: `POST /oauth/token` (request side)",
  },
  receiveResponse: {
    kind: "I/O",
    meaning: "the endpoint's answer (200, 401 with a code, 5xx, network error) is delivered",
    port: "token client: response side",
  },
  sendRequest: {
    kind: "I/O",
    meaning:
      "an API request with the cached access token is answered: 200 while the token is valid, 401 once it expired or (unless the API checks expiry only) its refresh token was rotated out",
    port: "API port: `GET /backend-api/me` with `Authorization: Bearer <access token>`",
  },
  writeDisk: {
    kind: "I/O",
    meaning: "auth.json is written: in place (truncate, write) or atomically (temp, fsync, rename, 0600)",
    port: "storage port: write",
  },
  flushDisk: {
    kind: "I/O",
    meaning: "an in-place write completes; until then readers see a torn file",
    port: "storage port: write (end of an in-place write)",
  },
  releaseLock: { kind: "I/O", meaning: "the cross-process lock is released", port: "lock port: release" },
  becomeStale: {
    kind: "time",
    meaning: "time passes: every token issued so far is now stale (JWT `exp` or 8-day `last_refresh`)",
    port: "the clock (no port call)",
  },
  expireLock: {
    kind: "time",
    meaning: "a lock goes stale and is reclaimed (a dead holder's, or a stalled live holder's)",
    port: "the lock's stale time (`proper-lockfile` `stale`)",
  },
  crash: {
    kind: "fault",
    meaning: "the process dies; memory is lost, a held lock stays on disk",
    port: "SIGKILL",
  },
  restart: {
    kind: "fault",
    meaning: "a dead process starts again and loads auth.json",
    port: "construction: storage read",
  },
  loseResponse: {
    kind: "fault",
    meaning: "the server rotated but its answer never arrives (the client sees a network error)",
    port: "token client: network error after the server committed",
  },
  serverError: {
    kind: "fault",
    meaning: "the server answers 500 without rotating",
    port: "token client: 5xx response",
  },
  login: {
    kind: "fault",
    meaning: "another process logs in to account B on disk",
    port: "`codex login` elsewhere",
  },
  relogin: {
    kind: "fault",
    meaning: "another process logs in again to account A: a new token family for the same account",
    port: "`codex login` elsewhere, same account",
  },
  logout: {
    kind: "fault",
    meaning: "another process logs out: auth.json is removed",
    port: "`codex logout` elsewhere",
  },
};

/** The counterexamples the spec draws (each design's `checks.explained`), each the shortest trace of its theorem. */
export function specCounterexamples(): {
  id: string;
  theorem: string;
  invariant: InvariantName;
  title: string;
  path?: readonly string[];
}[] {
  return builtInDesigns().flatMap((design) =>
    design.checks.explained.map((explained) => ({
      id: explained.id,
      theorem: explainedTheoremName(design, explained),
      invariant: explained.invariant,
      title: explained.title,
      ...(explained.path === undefined ? {} : { path: explained.path }),
    })),
  );
}

/** A given run (`A:sendRequest`, `world:becomeStale`) replayed on the model; its last step must break `invariant`. */
function witnessTrace(config: ModelConfig, path: readonly string[], invariant: InvariantName): Trace {
  const steps = path.map((entry) => {
    const [actor = "", event = ""] = entry.split(":");
    const process = actor === "world" ? -1 : (PROCESS_NAMES as readonly string[]).indexOf(actor);
    if (process === -1 && actor !== "world")
      throw new Error(`spec-docs: path step '${entry}' names no process`);
    return { event: event as EventName, process };
  });
  // traceOfPath throws at a step that is not enabled; the last step must break the invariant.
  const trace = traceOfPath(config, steps, invariant);
  const stepper = makeStepper(config);
  let state = initialState(config.processes);
  let broken: InvariantName[] = [];
  for (const { event, process } of steps) {
    const step = stepper.successor(state, event, process);
    if (!step) throw new Error(`spec-docs: ${event} of ${processName(process)} is not enabled`);
    broken = brokenBy(state, step);
    state = step.next;
  }
  if (!broken.includes(invariant)) {
    throw new Error(
      `spec-docs: the path of ${configName(config)} does not break ${invariant} at its last step`,
    );
  }
  return trace;
}

function eventsSection(): string {
  const rows = (Object.keys(EVENT_STEPS) as EventName[]).map((event) => {
    const step = EVENT_STEPS[event];
    return `| \`${event}\` | ${step.kind} | ${step.meaning} | ${step.port} |`;
  });
  return ["| step (event) | kind | meaning | port call |", "| --- | --- | --- | --- |", ...rows].join("\n");
}

function invariantsSection(): string {
  return INVARIANTS.map((invariant) => {
    const kind = (SAFETY_INVARIANTS as readonly string[]).includes(invariant) ? "safety" : "progress";
    return `- **${invariant}** (${kind}): ${INVARIANT_STATEMENTS[invariant]}`;
  }).join("\n");
}

function variantSummary(variant: Variant, pinned: PinnedTheorems): { violated: string; holds: string } {
  const pins = THEOREMS.filter((theorem) => theorem.config.variant === variant)
    .map((theorem) => pinned[theorem.name])
    .filter((pin): pin is PinnedTheorem => pin !== undefined);
  if (pins.length === 0) return { violated: "unpinned", holds: "unpinned" };
  const violated = INVARIANTS.filter((invariant) => pins.some((pin) => pin.verdicts[invariant] !== "holds"));
  const holds = INVARIANTS.filter((invariant) => !violated.includes(invariant));
  const list = (names: InvariantName[]) => (names.length === 0 ? "none" : names.join(", "));
  return { violated: list(violated), holds: list(holds) };
}

function variantsSection(pinned: PinnedTheorems): string {
  const rows = VARIANTS.map((variant) => {
    const summary = variantSummary(variant, pinned);
    return `| \`${variant}\` | ${requireDesign(variant).mirrors} | ${summary.violated} | ${summary.holds} |`;
  });
  return [
    "| variant | mirrors | violated in some theorem | holds in every theorem |",
    "| --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function verdictCell(verdict: PinnedTheorem["verdicts"][InvariantName] | undefined): string {
  if (verdict === undefined) return "?";
  return verdict === "holds" ? "holds" : `✗ ${verdict.violated}`;
}

function verdictsSection(pinned: PinnedTheorems): string {
  const rows = THEOREMS.map((theorem) => {
    const pin = pinned[theorem.name];
    if (!pin) return `| \`${theorem.name}\` | unpinned | ${INVARIANTS.map(() => "?").join(" | ")} |`;
    const cells = INVARIANTS.map((invariant) => verdictCell(pin.verdicts[invariant]));
    return `| \`${theorem.name}\` | ${pin.states.toLocaleString("en-US")} | ${cells.join(" | ")} |`;
  });
  return [
    `| theorem | states | ${INVARIANTS.join(" | ")} |`,
    `| --- | ---: | ${INVARIANTS.map(() => ":---:").join(" | ")} |`,
    ...rows,
  ].join("\n");
}

function counterexampleSection(
  theoremName: string,
  invariant: InvariantName,
  title: string,
  path?: readonly string[],
): string {
  const theorem = findTheorem(theoremName);
  if (!theorem) throw new Error(`spec-docs: no theorem '${theoremName}' (was it renamed?)`);
  let trace: Trace;
  let how: string;
  if (path === undefined) {
    const exploration = explore(theorem.config);
    const violation = exploration.violations.get(invariant);
    if (!violation) throw new Error(`spec-docs: ${configName(theorem.config)} does not break ${invariant}`);
    trace = traceOf(exploration, violation);
    how = "";
  } else {
    trace = witnessTrace(theorem.config, path, invariant);
    how = " (a run of it given step by step, replayed on the model; not its shortest)";
  }
  return [
    `**${title}**: theorem \`${theorem.name}\`${how}, ${invariant} broken in ${trace.steps.length} steps.`,
    "",
    "```mermaid",
    mermaid(trace),
    "```",
    "",
    "<details><summary>The same trace as numbered steps</summary>",
    "",
    "```text",
    explainTrace(trace),
    "```",
    "",
    "</details>",
  ].join("\n");
}

/** Every generated section by marker name. Explores only the N = 2 counterexample theorems (well under a second). */
export function specSections(pinned: PinnedTheorems): Map<string, string> {
  const sections = new Map<string, string>();
  sections.set("events", eventsSection());
  sections.set("invariants", invariantsSection());
  sections.set("variants", variantsSection(pinned));
  for (const variant of VARIANTS) {
    const diagram = ["```mermaid", stateDiagram(variant), "```"].join("\n");
    sections.set(`state-diagram:${variant}`, `${diagram}\n\n${eventsWithoutLocation(variant)}`);
  }
  sections.set("verdicts", verdictsSection(pinned));
  for (const { id, theorem, invariant, title, path } of specCounterexamples()) {
    sections.set(`counterexample:${id}`, counterexampleSection(theorem, invariant, title, path));
  }
  return sections;
}

const MARKER = /<!-- generated:([\w:.-]+) -->\n[\s\S]*?<!-- \/generated -->/g;

export interface SpecUpdate {
  text: string;
  /** Markers in the document the generator does not know (a typo, or a section that was removed). */
  unknown: string[];
  /** Sections the generator produces that have no marker in the document. */
  missing: string[];
  /** Sections whose content differs from the document's. */
  changed: string[];
}

/** Replaces the content of every marker; prose outside the markers is kept byte for byte. */
export function updateSpec(document: string, sections: ReadonlyMap<string, string>): SpecUpdate {
  const unknown: string[] = [];
  const changed: string[] = [];
  const seen = new Set<string>();
  const text = document.replace(MARKER, (whole, name: string) => {
    const body = sections.get(name);
    if (body === undefined) {
      unknown.push(name);
      return whole;
    }
    seen.add(name);
    const replacement = `<!-- generated:${name} -->\n${body}\n<!-- /generated -->`;
    if (replacement !== whole) changed.push(name);
    return replacement;
  });
  const missing = [...sections.keys()].filter((name) => !seen.has(name));
  return { text, unknown, missing, changed };
}
