/**
 * THE table of what each variant must do in each scenario, and the check of a report against it. Sources:
 * docs/protocol.md, the seed (PR #15357's before/after logs) and the observed-results table of
 * codex-auth.md. A scenario's verdict follows from its stale sends (invariant NoStaleRefreshSent).
 */
import { REFRESH_ERROR_CODES, type Variant } from "../model/vocabulary.js";
import {
  PROCESS_NAMES,
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
}

const R0_ROTATED: ExpectedPost = { generation: 0, status: 200, code: null };
const R0_REUSED: ExpectedPost = { generation: 0, status: 401, code: REFRESH_ERROR_CODES.reused };

const ONE_REFRESH = { posts: [R0_ROTATED], staleSends: 0, staleReturns: 0, bReturns: "rotated" } as const;
const RACED = { posts: [R0_ROTATED, R0_REUSED], staleSends: 1, staleReturns: 1, bReturns: "either" } as const;

export const EXPECTATIONS: Readonly<Record<ScenarioName, Readonly<Record<Variant, Expectation>>>> = {
  "stale-cache": {
    legacy: {
      ...RACED,
      bReturns: "stale",
      because: "auth() POSTs the cached R0 with no reload, then returns the same stale cache",
    },
    guarded: { ...ONE_REFRESH, because: "the guarded reload adopts R1 from disk (Changed), no POST" },
    "persist-locked": { ...ONE_REFRESH, because: "as guarded: the guarded reload adopts R1, no POST" },
    locked: { ...ONE_REFRESH, because: "the re-read under the lock finds R1 fresh and adopts it, no POST" },
  },
  simultaneous: {
    legacy: { ...RACED, because: "both POST their cached R0; the loser keeps its stale cache" },
    guarded: {
      ...RACED,
      because: "both reload R0 before either saves and both POST it; the loser is poisoned",
    },
    "persist-locked": { ...RACED, because: "the file lock is taken after the POST: it orders saves only" },
    locked: { ...ONE_REFRESH, because: "one lock from re-read to save: the second reads R1 and adopts it" },
  },
};

export function expectedVerdict(scenario: ScenarioName, variant: Variant): ScenarioVerdict {
  return verdictOf(EXPECTATIONS[scenario][variant].staleSends);
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

function postMismatches(report: ScenarioReport, expected: Expectation): string[] {
  const actual = report.posts.map(describePost);
  const wanted = expected.posts.map(describePost);
  if (actual.join(", ") === wanted.join(", ")) return [];
  return [`POSTs [${actual.join(", ")}], expected [${wanted.join(", ")}]`];
}

function returnMismatches(report: ScenarioReport, expected: Expectation): string[] {
  const kinds = PROCESS_NAMES.map((name) => report.processes[name].returned.kind);
  const mismatches: string[] = [];
  const stale = kinds.filter((kind) => kind === "stale").length;
  const rotated = kinds.filter((kind) => kind === "rotated").length;
  if (stale !== expected.staleReturns || stale + rotated !== kinds.length) {
    const returned = PROCESS_NAMES.map((name, index) => `${name} ${kinds[index]}`).join(", ");
    mismatches.push(`returned ${returned}; expected ${expected.staleReturns} stale, the others rotated`);
  }
  const bReturned = report.processes.B.returned.kind;
  if (expected.bReturns !== "either" && bReturned !== expected.bReturns) {
    mismatches.push(`B returned the ${bReturned} token, expected the ${expected.bReturns} one`);
  }
  return mismatches;
}

/** Every way the report differs from its variant's expectation; empty when it matches. */
export function checkExpectation(report: ScenarioReport, variant: Variant): string[] {
  const expected = EXPECTATIONS[report.scenario][variant];
  const mismatches = [...postMismatches(report, expected), ...returnMismatches(report, expected)];
  if (report.staleSends !== expected.staleSends) {
    mismatches.push(`${report.staleSends} stale sends, expected ${expected.staleSends}`);
  }
  return mismatches;
}
