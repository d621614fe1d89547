/**
 * THE table of what each variant must do in each scenario, and the check of a report against it. Sources:
 * docs/protocol.md, the seed (PR #15357's before/after logs) and the observed-results table of
 * codex-auth.md. A scenario's verdict follows from its stale sends (invariant NoStaleRefreshSent). A real
 * Codex binary is judged by the same rows: those of the variant its version mirrors (codex/versions.ts).
 */
import { REFRESH_ERROR_CODES, type Variant } from "../model/vocabulary.js";
import {
  PROCESS_NAMES,
  type ReplyReport,
  type ScenarioName,
  type ScenarioReport,
  type ScenarioVerdict,
  type TokenKind,
  verdictOf,
} from "./types.js";

/** One POST as the server must see it: which generation was presented and how it was answered. */
export interface ExpectedPost {
  generation: number;
  status: number;
  code: string | null;
}

/** What the processes do when each is asked once more after the scenario's calls (option askAgain). */
export interface AgainExpectation {
  /** The POSTs of those calls, in the server's order. */
  posts: readonly ExpectedPost[];
  staleSends: number;
  /** How many of those calls return a token the server had rotated out; every other one returns the rotated one. */
  staleReturns: number;
}

export interface Expectation {
  /** Every POST of the run, in the server's order. */
  posts: readonly ExpectedPost[];
  staleSends: number;
  /** How many processes return a token the server had rotated out; every other one returns the rotated one. */
  staleReturns: number;
  /** What B returns; `either` where the race decides who loses. */
  bReturns: Extract<TokenKind, "rotated" | "stale"> | "either";
  /** Why, in one line. */
  because: string;
  /** Asked again. Never changes the verdict: only a run that already sent a stale token sends one again. */
  again: AgainExpectation;
}

const R0_ROTATED: ExpectedPost = { generation: 0, status: 200, code: null };
const R0_REUSED: ExpectedPost = { generation: 0, status: 401, code: REFRESH_ERROR_CODES.reused };

/** Asked again, the loser still holds R0 and POSTs it again: legacy re-sends the dead token on every call. */
const RESENDS: AgainExpectation = { posts: [R0_REUSED], staleSends: 1, staleReturns: 1 };
/** Asked again, everyone answers R1: from the cache, or adopted from auth.json with no POST. */
const SETTLED: AgainExpectation = { posts: [], staleSends: 0, staleReturns: 0 };

const ONE_REFRESH = {
  posts: [R0_ROTATED],
  staleSends: 0,
  staleReturns: 0,
  bReturns: "rotated",
  again: SETTLED,
} as const;
const RACED = {
  posts: [R0_ROTATED, R0_REUSED],
  staleSends: 1,
  staleReturns: 1,
  bReturns: "either",
  again: SETTLED,
} as const;

export const EXPECTATIONS: Readonly<Record<ScenarioName, Readonly<Record<Variant, Expectation>>>> = {
  "stale-cache": {
    legacy: {
      ...RACED,
      bReturns: "stale",
      because: "auth() POSTs the cached R0 with no reload, then returns the same stale cache",
      again: RESENDS,
    },
    guarded: { ...ONE_REFRESH, because: "the guarded reload adopts R1 from disk (Changed), no POST" },
    "persist-locked": { ...ONE_REFRESH, because: "as guarded: the guarded reload adopts R1, no POST" },
    locked: { ...ONE_REFRESH, because: "the re-read under the lock finds R1 fresh and adopts it, no POST" },
  },
  simultaneous: {
    legacy: {
      ...RACED,
      because: "both POST their cached R0; the loser keeps its stale cache",
      again: RESENDS,
    },
    guarded: {
      ...RACED,
      because: "both reload R0 before either saves and both POST it; the loser is poisoned",
    },
    "persist-locked": { ...RACED, because: "the file lock is taken after the POST: it orders saves only" },
    locked: { ...ONE_REFRESH, because: "one lock from re-read to save: the second reads R1 and adopts it" },
  },
};

/** The verdict the variant must give; null for an implementation that mirrors no variant. */
export function expectedVerdict(scenario: ScenarioName, variant: Variant): ScenarioVerdict;
export function expectedVerdict(scenario: ScenarioName, variant: Variant | null): ScenarioVerdict | null;
export function expectedVerdict(scenario: ScenarioName, variant: Variant | null): ScenarioVerdict | null {
  return variant === null ? null : verdictOf(EXPECTATIONS[scenario][variant].staleSends);
}

/** `R0 401 refresh_token_reused`; `R?` for a token the server never issued. */
export function describePost(post: {
  generation: number | null;
  status: number;
  code: string | null;
}): string {
  const token = post.generation === null ? "R?" : `R${post.generation}`;
  return `${token} ${post.status}${post.code === null ? "" : ` ${post.code}`}`;
}

/** The `ask-again` phases of the run; none when the run did not ask again (or the report has no phases). */
function againReplies(report: ScenarioReport): ReplyReport[] {
  return (report.phases ?? [])
    .filter((phase) => phase.step === "ask-again")
    .flatMap((phase) => phase.replies);
}

function postMismatches(report: ScenarioReport, expected: readonly ExpectedPost[]): string[] {
  const actual = report.posts.map(describePost);
  const wanted = expected.map(describePost);
  if (actual.join(", ") === wanted.join(", ")) return [];
  return [`POSTs [${actual.join(", ")}], expected [${wanted.join(", ")}]`];
}

/**
 * A poisoned snapshot is the stale one, whether the implementation shows its token (the reference) or
 * withholds it (a Codex app-server answers `authToken: null`).
 */
function kindOf(reply: Pick<ReplyReport, "returned" | "poisoned">): TokenKind {
  return reply.poisoned && reply.returned.kind === "none" ? "stale" : reply.returned.kind;
}

/** `returned A rotated, B stale; expected 1 stale, the others rotated` when the counts differ. */
function staleCountMismatch(
  what: string,
  replies: readonly Pick<ReplyReport, "process" | "returned" | "poisoned">[],
  staleReturns: number,
): string[] {
  const kinds = replies.map(kindOf);
  const stale = kinds.filter((kind) => kind === "stale").length;
  const rotated = kinds.filter((kind) => kind === "rotated").length;
  if (stale === staleReturns && stale + rotated === kinds.length) return [];
  const returned = replies.map((reply, index) => `${reply.process} ${kinds[index]}`).join(", ");
  return [`${what} ${returned}; expected ${staleReturns} stale, the others rotated`];
}

function returnMismatches(report: ScenarioReport, expected: Expectation): string[] {
  const replies = PROCESS_NAMES.map((process) => ({ process, ...report.processes[process] }));
  const mismatches = staleCountMismatch("returned", replies, expected.staleReturns);
  const bReturned = kindOf(report.processes.B);
  if (expected.bReturns !== "either" && bReturned !== expected.bReturns) {
    mismatches.push(`B returned the ${bReturned} token, expected the ${expected.bReturns} one`);
  }
  const again = againReplies(report);
  if (again.length > 0) {
    mismatches.push(...staleCountMismatch("asked again, returned", again, expected.again.staleReturns));
  }
  return mismatches;
}

/** Every way the report differs from its variant's expectation; empty when it matches. */
export function checkExpectation(report: ScenarioReport, variant: Variant): string[] {
  const expected = EXPECTATIONS[report.scenario][variant];
  const askedAgain = againReplies(report).length > 0;
  const posts = askedAgain ? [...expected.posts, ...expected.again.posts] : expected.posts;
  const staleSends = expected.staleSends + (askedAgain ? expected.again.staleSends : 0);
  const mismatches = [...postMismatches(report, posts), ...returnMismatches(report, expected)];
  if (report.staleSends !== staleSends) {
    mismatches.push(`${report.staleSends} stale sends, expected ${staleSends}`);
  }
  return mismatches;
}
