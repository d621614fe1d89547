/**
 * Text and JSON views of scenario runs. Every token in them is already redacted (reports hold nothing else).
 *
 * The log is the seed's shape (PR #15357): the server's request lines, then per process
 * `B:cached_before=rt_j6s0...`, `B:cached_after=...`, `B:returned=...`.
 */
import { alignColumns } from "../common/columns.js";
import { describePost, expectationFor, expectedVerdict } from "./expectations.js";
import type { ScenarioMatrixRow } from "./matrix.js";
import type { PhaseReport, ProcessName, ReplyReport, ScenarioReport, TokenView } from "./types.js";
import { PROCESS_NAMES } from "./types.js";

function shown(view: TokenView): string {
  return view.shown ?? "null";
}

/** `R1 (rotated)`, `R0 (stale)`, `none` */
function describeToken(view: TokenView): string {
  if (view.kind === "none") return "none";
  return view.generation === null ? view.kind : `R${view.generation} (${view.kind})`;
}

export function formatScenarioLog(report: ScenarioReport): string {
  const lines = [...report.requestLines];
  for (const name of report.logOrder) {
    const process = report.processes[name];
    lines.push(`${name}:cached_before=${shown(process.cachedBefore)}`);
    lines.push(`${name}:cached_after=${shown(process.cachedAfter)}`);
    lines.push(`${name}:returned=${shown(process.returned)}`);
  }
  return lines.join("\n");
}

const PHASE_COLUMN = 32;
const POSTS_COLUMN = 44;

/** `B.auth() -> at-R1`, `A.auth() -> null (poisoned)` */
function describeReply(reply: ReplyReport): string {
  return `${reply.process}.auth() -> ${shown(reply.returned)}${reply.poisoned ? " (poisoned)" : ""}`;
}

function describePhase(phase: PhaseReport): string {
  const stale = phase.posts.filter((post) => post.staleSend).length;
  const seen = phase.posts.length === 0 ? "none" : phase.posts.map(describePost).join(", ");
  const posts = `POSTs: ${seen}${stale > 0 ? ` (${stale} stale)` : ""}`;
  const replies = phase.replies.map(describeReply).join("; ");
  return `  ${phase.name.padEnd(PHASE_COLUMN)} ${posts.padEnd(POSTS_COLUMN)} ${replies}`.trimEnd();
}

/** One line per phase: its name, the POSTs the server decided during it, what each process asked returned. */
export function formatPhases(report: ScenarioReport): string {
  return (report.phases ?? []).map(describePhase).join("\n");
}

function describeReturn(name: ProcessName, report: ScenarioReport): string {
  const process = report.processes[name];
  const poisoned = process.poisoned ? ", poisoned" : "";
  const error = process.error === null ? "" : ` after "${process.error}"`;
  return `${name} returned ${describeToken(process.returned)}${poisoned}${error}`;
}

/** What happened, and how it compares with the expectation (`mismatches` from checkExpectation). */
export function formatScenarioSummary(report: ScenarioReport, mismatches: readonly string[] | null): string {
  const posts = report.posts.length;
  const lines = [
    `${report.scenario} on ${report.implementation}: ${posts} POST${posts === 1 ? "" : "s"}, ` +
      `${report.staleSends} stale send${report.staleSends === 1 ? "" : "s"}: NoStaleRefreshSent ${report.verdict}`,
    `  ${report.logOrder.map((name) => describeReturn(name, report)).join("; ")}`,
  ];
  if (report.variant === null || mismatches === null) {
    lines.push("  no expectation: the implementation mirrors no variant");
    return lines.join("\n");
  }
  const expectation = expectationFor(report.scenario, report.variant);
  const verdict = expectedVerdict(report.scenario, report.variant);
  lines.push(`  expected for ${report.variant}: ${verdict} (${expectation.because})`);
  if (mismatches.length === 0) lines.push("  as expected");
  for (const mismatch of mismatches) lines.push(`  DIFFERS: ${mismatch}`);
  return lines.join("\n");
}

export interface ScenarioJson {
  scenario: string;
  variant: string | null;
  posts: { refreshToken: string | null; status: number; code: string | null }[];
  processes: Record<
    ProcessName,
    { cachedBefore: string | null; cachedAfter: string | null; returned: string | null }
  >;
  staleSends: number;
}

export interface PhaseJson {
  name: string;
  posts: { generation: number | null; status: number; code: string | null }[];
  replies: { process: ProcessName; returned: string | null; poisoned: boolean }[];
}

/** A run's phases for JSON documents: tokens as reports show them. */
export function phasesJson(report: ScenarioReport): PhaseJson[] {
  return (report.phases ?? []).map((phase) => ({
    name: phase.name,
    posts: phase.posts.map((post) => ({ generation: post.generation, status: post.status, code: post.code })),
    replies: phase.replies.map((reply) => ({
      process: reply.process,
      returned: reply.returned.shown,
      poisoned: reply.poisoned,
    })),
  }));
}

/** The `--json` document: tokens redacted. */
export function scenarioJson(report: ScenarioReport): ScenarioJson {
  const processes = Object.fromEntries(
    PROCESS_NAMES.map((name) => {
      const process = report.processes[name];
      const view = {
        cachedBefore: process.cachedBefore.shown,
        cachedAfter: process.cachedAfter.shown,
        returned: process.returned.shown,
      };
      return [name, view];
    }),
  ) as ScenarioJson["processes"];
  return {
    scenario: report.scenario,
    variant: report.variant,
    posts: report.posts.map((post) => ({
      refreshToken: post.refreshToken,
      status: post.status,
      code: post.code,
    })),
    processes,
    staleSends: report.staleSends,
  };
}

const MATRIX_HEADER = [
  "scenario",
  "variant",
  "posts",
  "POSTs seen",
  "stale sends",
  "B returned",
  "expected",
  "actual",
  "matches",
];

function matrixCells(row: ScenarioMatrixRow): string[] {
  const bReturned = row.bReturned === null ? "-" : `${row.bReturned.shown ?? "null"} (${row.bReturned.kind})`;
  return [
    row.scenario,
    row.variant,
    row.posts === null ? "-" : String(row.posts),
    row.postsSummary === "" ? "-" : row.postsSummary,
    row.staleSends === null ? "-" : String(row.staleSends),
    bReturned,
    row.expectedVerdict,
    row.actualVerdict ?? "failed",
    row.matches ? "yes" : "NO",
  ];
}

/** The matrix as an aligned table, then one line per difference of each row that does not match. */
export function formatScenarioMatrix(rows: readonly ScenarioMatrixRow[]): string {
  const table = alignColumns([MATRIX_HEADER, ...rows.map(matrixCells)]);
  const differences = rows.flatMap((row) =>
    row.mismatches.map((mismatch) => `${row.scenario} / ${row.variant}: ${mismatch}`),
  );
  return differences.length === 0 ? table : `${table}\n\n${differences.join("\n")}`;
}
