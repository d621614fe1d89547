/**
 * The recovery scenario's report, built purely from what was recorded: the token server's POSTs (each with its
 * sender, A or B), the model API's requests, and Codex's auth log lines, split into phases by when each phase
 * closed. Then the judgement: stale sends are B's POSTs of a refresh token the server had already rotated out;
 * the verdict of NoStaleRefreshSent is set next to the model's (scenarios/recovery-expectation.ts).
 *
 * Whole tokens never leave this file: a bearer is shown as its generation's opaque name (`at-R1`, what the
 * fixture's access tokens are), or redacted when the server never issued it.
 */
import { redact } from "../../impl/redact.js";
import type { RecoveryExpectation, ScenarioVerdict } from "../../scenarios/index.js";
import type { RequestRecord } from "../../server/index.js";
import type { ApiRequestRecord } from "./model-api.js";

/** The process names of the story: B is the Codex binary, A the harness acting as another process. */
export const CODEX_PROCESS = "B";
export const OTHER_PROCESS = "A";

/** startup: B starts; rotate: A rotates and saves while B's request is held; end: B's last request is refused. */
export type RecoveryStep = "startup" | "rotate" | "end";

export interface RecoveryPost {
  /** `A`, `B`, or null when the URL said nothing (never in this scenario). */
  sender: string | null;
  generation: number | null;
  status: number;
  code: string | null;
  staleSend: boolean;
}

/** A model request as reports show it. */
export interface ModelRequestView {
  modelSeq: number;
  /** `at-R1`; a redacted token when the server never issued it; null without a bearer. */
  accessToken: string | null;
  generation: number | null;
  websocket: boolean;
  /** What it was answered (null: never answered). */
  status: number | null;
}

export interface RecoveryPhase {
  name: string;
  step: RecoveryStep;
  /** The POSTs the token server decided during the phase. */
  posts: RecoveryPost[];
  /** The model request that ended the phase (B's next request); null when B sent none (it exited). */
  next: ModelRequestView | null;
  /** Codex's auth log lines that arrived during the phase. */
  authLog: string[];
  /** Requests to other paths (answered 404) during the phase. */
  otherRequests: number;
}

export interface RecoveryExit {
  code: number | null;
  signal: string | null;
  killed: boolean;
  /** Its last error line on stderr ("" when none). */
  errorLine: string;
}

export interface RecoveryReport {
  implementation: string;
  variant: string | null;
  /** How B was kept on loopback. */
  network: string;
  phases: RecoveryPhase[];
  /** B's POSTs of a refresh token already rotated out. */
  staleSends: number;
  verdict: ScenarioVerdict;
  exit: RecoveryExit;
  /** Every request the model API saw, tokens as views show them. */
  requests: (Omit<ApiRequestRecord, "bearer" | "atMs"> & { accessToken: string | null })[];
  durationMs: number;
}

/** What the token server knows of a token string (server.identifyToken, reduced to a generation). */
export type GenerationOf = (token: string) => number | null;

export function postView(record: RequestRecord): RecoveryPost {
  return {
    sender: record.sender,
    generation: record.tokenGeneration,
    status: record.status,
    code: record.code,
    staleSend: record.staleSend,
  };
}

/** `at-R1` for an issued access token of the (opaque) family, else redacted. */
export function accessTokenView(bearer: string | null, generationOf: GenerationOf): string | null {
  if (bearer === null) return null;
  const generation = generationOf(bearer);
  return generation === null ? redact(bearer) : `at-R${generation}`;
}

export function modelRequestView(record: ApiRequestRecord, generationOf: GenerationOf): ModelRequestView {
  return {
    modelSeq: record.modelSeq ?? 0,
    accessToken: accessTokenView(record.bearer, generationOf),
    generation: record.bearer === null ? null : generationOf(record.bearer),
    websocket: record.websocket,
    status: record.status,
  };
}

/** Stale sends are B's: A (the harness) only ever POSTs the server's current token. */
export function staleSendsOf(phases: readonly RecoveryPhase[]): number {
  return phases
    .flatMap((phase) => phase.posts)
    .filter((post) => post.sender === CODEX_PROCESS && post.staleSend).length;
}

/** `R1 401 refresh_token_reused (B)` */
export function describeRecoveryPost(post: RecoveryPost): string {
  const token = post.generation === null ? "R?" : `R${post.generation}`;
  const code = post.code === null ? "" : ` ${post.code}`;
  return `${token} ${post.status}${code} (${post.sender ?? "?"})`;
}

/**
 * Every way the run differs from the model's expectation. The verdict first; then, where the model says a stale
 * send happens, where this story puts it: B's RefreshToken step POSTs the R1 it adopted one request earlier,
 * after A saved R2, and the server answers 401 refresh_token_reused.
 */
export function checkRecovery(report: RecoveryReport, expected: RecoveryExpectation): string[] {
  const mismatches: string[] = [];
  if (report.verdict !== expected.verdict) {
    mismatches.push(`NoStaleRefreshSent ${report.verdict}, the model says ${expected.verdict}`);
  }
  if (expected.verdict === "violated") {
    const secondRotation = report.phases.filter((phase) => phase.step === "rotate")[1];
    const staleR1 = secondRotation?.posts.some(
      (post) => post.sender === CODEX_PROCESS && post.staleSend && post.generation === 1,
    );
    if (report.verdict === "violated" && !staleR1) {
      mismatches.push("the stale send is not B's POST of R1 while A's R2 was on disk (this story's R3)");
    }
  }
  return mismatches;
}
