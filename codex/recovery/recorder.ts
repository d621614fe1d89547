/**
 * Closing the recovery scenario's phases: each phase gets the POSTs the token server decided since the previous
 * phase closed (by its sequence numbers), the requests to other paths, Codex's auth log lines that arrived, and
 * the model request that ended it. A log line is attributed by when it arrived on our end of the pipe, so the
 * recorder waits `logSettleMs` before closing a phase: Codex writes a step's lines before it sends the request
 * that ends the phase, but the pipe may deliver them a moment after the request arrives.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { TokenServer } from "../../server/index.js";
import type { CodexExec } from "./exec-process.js";
import type { ModelApi } from "./model-api.js";
import {
  type GenerationOf,
  modelRequestView,
  postView,
  type RecoveryPhase,
  type RecoveryStep,
} from "./report.js";

/** Wait before closing a phase, for Codex's log lines still in the pipe. */
export const LOG_SETTLE_MS = 150;

export class RecoveryRecorder {
  readonly phases: RecoveryPhase[] = [];
  private lastPostSeq = 0;
  private lastApiSeq = 0;
  private lastAuthLine = 0;

  constructor(
    private readonly server: TokenServer,
    private readonly api: ModelApi,
    private readonly exec: CodexExec,
    readonly generationOf: GenerationOf,
  ) {}

  /** Closes a phase; `nextModelSeq` is the model request that ended it (null: none came). */
  async close(name: string, step: RecoveryStep, nextModelSeq: number | null): Promise<void> {
    await sleep(LOG_SETTLE_MS);
    const posts = this.server.requests().filter((record) => record.seq > this.lastPostSeq);
    for (const post of posts) this.lastPostSeq = Math.max(this.lastPostSeq, post.seq);
    const requests = this.api.requests().filter((record) => record.seq > this.lastApiSeq);
    for (const request of requests) this.lastApiSeq = Math.max(this.lastApiSeq, request.seq);
    const lines = this.exec.authLines().slice(this.lastAuthLine);
    this.lastAuthLine += lines.length;
    const next = this.api.requests().find((record) => record.modelSeq === nextModelSeq);
    this.phases.push({
      name,
      step,
      posts: posts.map(postView),
      next: next === undefined || nextModelSeq === null ? null : modelRequestView(next, this.generationOf),
      authLog: lines.map((line) => line.text),
      otherRequests: requests.filter((request) => !request.model).length,
    });
  }
}
