/**
 * Splitting a run into phases and counting what the server saw in each. App-server startup may refresh
 * on its own, and a reply can arrive after another process already POSTed, so every POST is attributed to
 * the phase during which the server decided it (by the server's sequence numbers), never counted globally.
 */

import type { DriverReply } from "../../impl/driver/protocol.js";
import { redact } from "../../impl/redact.js";
import type { RequestRecord, TokenServer } from "../../server/index.js";
import type { PhaseResult, PostSummary, ReplySummary, ScenarioProcess } from "./types.js";

/** Opaque fixture access tokens name their generation (`at-R1`) and grant nothing: shown whole. */
const FIXTURE_ACCESS_TOKEN = /^at-R\d{1,6}$/;

export function describeAccessToken(token: string | null): string {
  if (token === null) return "null";
  return FIXTURE_ACCESS_TOKEN.test(token) ? token : redact(token);
}

export function summarisePost(record: RequestRecord): PostSummary {
  return {
    seq: record.seq,
    token: record.tokenGeneration === null ? "unknown" : `R${record.tokenGeneration}`,
    status: record.status,
    verdict: record.verdict,
    code: record.code,
    staleSend: record.staleSend,
  };
}

export function summariseReply(
  process: string,
  verb: ReplySummary["verb"],
  reply: DriverReply,
): ReplySummary {
  if (!reply.ok) {
    const answer = `error (${reply.error.kind}): ${reply.error.message}`;
    return { process, verb, answer, token: null, ok: false };
  }
  if (reply.auth === null) return { process, verb, answer: "no auth (logged out)", token: null, ok: true };
  // Codex's app-server withholds a poisoned snapshot's token (authToken null): the driver reports "".
  const accessToken = reply.auth.accessToken === "" ? null : reply.auth.accessToken;
  const shown = describeAccessToken(accessToken);
  const answer = reply.auth.poisoned ? `${shown} (poisoned)` : shown;
  return { process, verb, answer, token: accessToken === null ? null : shown, ok: true };
}

/** `R0 200, R0 401 refresh_token_reused` */
export function describePosts(posts: readonly PostSummary[]): string {
  if (posts.length === 0) return "none";
  return posts
    .map(
      (post) =>
        `${post.token} ${post.status === 0 ? "dropped" : post.status}${post.code ? ` ${post.code}` : ""}`,
    )
    .join(", ");
}

export class PhaseRecorder {
  readonly phases: PhaseResult[] = [];
  private lastSeq = 0;

  constructor(private readonly server: TokenServer) {}

  /** Runs `body` as one phase; its POSTs are those the server decided since the previous phase ended. */
  async phase(name: string, actors: string[], body: () => Promise<ReplySummary[]>): Promise<PhaseResult> {
    const replies = await body();
    const result: PhaseResult = { name, actors, posts: this.takePosts(), replies };
    this.phases.push(result);
    return result;
  }

  private takePosts(): PostSummary[] {
    const fresh = this.server.requests().filter((record) => record.seq > this.lastSeq);
    for (const record of fresh) this.lastSeq = Math.max(this.lastSeq, record.seq);
    return fresh.map(summarisePost);
  }
}

/** One verb on one process, summarised. */
export async function ask(process: ScenarioProcess, verb: ReplySummary["verb"]): Promise<ReplySummary> {
  const reply = verb === "auth" ? await process.auth() : await process.refresh();
  return summariseReply(process.name, verb, reply);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
