/**
 * What a design must do in each scenario, and the check of a report against it. The verdict comes from the
 * model: each scenario is a story of the theorems (the stale-cache ones are the seed's story, simultaneous and
 * two-managers its race), explored for the design's record; a stale send there means the real run must show the
 * race's POSTs (R0 200, then R0 with the scenario's answer to a stale send), none means exactly one refresh. What a loser does when asked again follows from the
 * design's `staleAuth` rule: one that POSTs its cached token without a reload sends R0 once more. A real
 * Codex binary is judged by the rows of the design its version mirrors (codex/versions.ts).
 */
import { requireDesign } from "../model/designs/index.js";
import { REFRESH_ERROR_CODES, type Variant } from "../model/vocabulary.js";
import { storyConfig } from "../proofs/theorems.js";
import { describeVerdict, modelHolds } from "../proofs/verdict.js";
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
  /** Why, in one line: the model's verdict it follows. */
  because: string;
  /** Asked again. Never changes the verdict: only a run that already sent a stale token sends one again. */
  again: AgainExpectation;
}

const R0_ROTATED: ExpectedPost = { generation: 0, status: 200, code: null };
const R0_REUSED: ExpectedPost = { generation: 0, status: 401, code: REFRESH_ERROR_CODES.reused };

/** Asked again, everyone answers R1: from the cache, or adopted from auth.json with no POST. */
const SETTLED: AgainExpectation = { posts: [], staleSends: 0, staleReturns: 0 };

/** The answer a stale send of R0 gets when the endpoint is told to fail every refresh after A's rotation. */
const R0_EXPIRED: ExpectedPost = { generation: 0, status: 401, code: REFRESH_ERROR_CODES.expired };
/** The connection reset before any answer (server fault reset-without-rotate): recorded with status 0. */
const R0_RESET: ExpectedPost = { generation: 0, status: 0, code: null };

/**
 * How each scenario is judged: the theorems' story it runs for real (proofs/theorems.ts STORIES), what the server
 * answers a stale send of R0, and who sends it when one is sent.
 *
 * stale-cache-expired and stale-cache-unreachable are the seed's story with another answer to the stale send. The
 * model's server always answers a reused token 401 reused, but the verdict does not depend on it: whether B
 * sends R0 is decided before any answer arrives, so the seed story's verdict is theirs. What the answer changes
 * is what follows, and that comes from the design's rules: a design that POSTs its cached token without a
 * reload (`staleAuth` post-cached-token: legacy) keeps its stale R0 after a permanent (expired) or a
 * transient (reset) failure alike, and sends it again on every call.
 *
 * two-managers is the simultaneous story: to the model a second AuthManager in one process is one more process,
 * since each manager has its own cache, its own in-process mutex and its own lock instance.
 */
interface ScenarioJudging {
  story: string;
  staleAnswer: ExpectedPost;
  /** B: A refreshes to completion first, so a stale send is B's; either: the race decides who loses. */
  staleSender: "B" | "either";
}

const SCENARIO_JUDGING: Readonly<Record<ScenarioName, ScenarioJudging>> = {
  "stale-cache": { story: "seed", staleAnswer: R0_REUSED, staleSender: "B" },
  simultaneous: { story: "simultaneous", staleAnswer: R0_REUSED, staleSender: "either" },
  "stale-cache-expired": { story: "seed", staleAnswer: R0_EXPIRED, staleSender: "B" },
  "stale-cache-unreachable": { story: "seed", staleAnswer: R0_RESET, staleSender: "B" },
  "two-managers": { story: "simultaneous", staleAnswer: R0_REUSED, staleSender: "either" },
};

/** The theorems' story a scenario runs for real (`seed`, `simultaneous`). */
export function scenarioStory(scenario: ScenarioName): string {
  return SCENARIO_JUDGING[scenario].story;
}

/** The expectation for one design in one scenario, from the model's verdict on the scenario's story. */
export function expectationFor(scenario: ScenarioName, variant: Variant): Expectation {
  const design = requireDesign(variant);
  const { story, staleAnswer, staleSender } = SCENARIO_JUDGING[scenario];
  const config = storyConfig(story, design.name);
  const because = describeVerdict(config, "NoStaleRefreshSent");
  if (modelHolds(config, "NoStaleRefreshSent")) {
    return {
      posts: [R0_ROTATED],
      staleSends: 0,
      staleReturns: 0,
      bReturns: "rotated",
      because,
      again: SETTLED,
    };
  }
  // Asked again, the loser still holds R0 and POSTs it again: legacy re-sends the dead token on every call.
  const resends: AgainExpectation = { posts: [staleAnswer], staleSends: 1, staleReturns: 1 };
  return {
    posts: [R0_ROTATED, staleAnswer],
    staleSends: 1,
    staleReturns: 1,
    bReturns: staleSender === "B" ? "stale" : "either",
    because,
    again: design.rules.staleAuth === "post-cached-token" ? resends : SETTLED,
  };
}

/** The verdict the variant must give; null for an implementation that mirrors no variant. */
export function expectedVerdict(scenario: ScenarioName, variant: Variant): ScenarioVerdict;
export function expectedVerdict(scenario: ScenarioName, variant: Variant | null): ScenarioVerdict | null;
export function expectedVerdict(scenario: ScenarioName, variant: Variant | null): ScenarioVerdict | null {
  return variant === null ? null : verdictOf(expectationFor(scenario, variant).staleSends);
}

/**
 * `R0 401 refresh_token_reused`; `R?` for a token the server never issued; `R0 dropped` for a connection closed
 * or reset without an answer (status 0), as the server's request log says.
 */
export function describePost(post: {
  generation: number | null;
  status: number;
  code: string | null;
}): string {
  const token = post.generation === null ? "R?" : `R${post.generation}`;
  const status = post.status === 0 ? "dropped" : String(post.status);
  return `${token} ${status}${post.code === null ? "" : ` ${post.code}`}`;
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
  const expected = expectationFor(report.scenario, variant);
  const askedAgain = againReplies(report).length > 0;
  const posts = askedAgain ? [...expected.posts, ...expected.again.posts] : expected.posts;
  const staleSends = expected.staleSends + (askedAgain ? expected.again.staleSends : 0);
  const mismatches = [...postMismatches(report, posts), ...returnMismatches(report, expected)];
  if (report.staleSends !== staleSends) {
    mismatches.push(`${report.staleSends} stale sends, expected ${staleSends}`);
  }
  return mismatches;
}
