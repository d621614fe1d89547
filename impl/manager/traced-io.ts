/**
 * The manager's only way to do I/O: each method is one port call and emits one trace event named with the
 * vocabulary, so any set of adapters (real, held by a scheduler, ...) produces the same trace.
 * Events mark completions, except `sendRefresh`, emitted just before the POST is handed to the endpoint.
 */
import type {
  ApiAnswer,
  AuthPorts,
  DiskWriteResult,
  LockResult,
  RefreshReason,
  RefreshResult,
  WriteMode,
} from "../ports/types.js";
import { redact } from "../redact.js";
import type { Snapshot, SnapshotResult } from "../storage/index.js";
import type { TraceEventName, TraceSink } from "./types.js";

export class CallTrace {
  constructor(
    private readonly manager: string,
    private readonly call: number,
    private readonly sinks: readonly TraceSink[],
  ) {}

  emit(event: TraceEventName, detail?: string): void {
    const entry = {
      manager: this.manager,
      call: this.call,
      event,
      ...(detail === undefined ? {} : { detail }),
    };
    for (const sink of this.sinks) sink(entry);
  }
}

function describeRead(result: SnapshotResult): string {
  if (result.ok) return "ok";
  return result.error.field === undefined ? result.error.kind : `${result.error.kind} ${result.error.field}`;
}

function describeResponse(result: RefreshResult): string {
  if (result.ok) return String(result.status);
  const { failure } = result;
  if (failure.kind === "permanent") return `${failure.status} ${failure.code ?? "(no code)"}`;
  return failure.status === null
    ? `transient ${failure.cause}`
    : `transient ${failure.cause} ${failure.status}`;
}

function describeLock(result: LockResult): string {
  return result.ok ? "ok" : result.error.kind;
}

export class TracedIo {
  constructor(
    private readonly ports: AuthPorts,
    private readonly trace: CallTrace,
    /** Sent with every refresh of this call (0.171's `refresh_reason` on auth()'s proactive refresh). */
    private readonly reason?: RefreshReason,
  ) {}

  /** The construction-time read: the model's `restart`. */
  async restart(): Promise<SnapshotResult> {
    const result = await this.ports.disk.read();
    this.trace.emit("restart", describeRead(result));
    return result;
  }

  async readDisk(): Promise<SnapshotResult> {
    const result = await this.ports.disk.read();
    this.trace.emit("readDisk", describeRead(result));
    return result;
  }

  async writeDisk(snapshot: Snapshot, mode: WriteMode): Promise<DiskWriteResult> {
    const result = await this.ports.disk.write(snapshot, mode);
    this.trace.emit("writeDisk", result.ok ? mode : `${mode} failed`);
    return result;
  }

  async acquireLock(): Promise<LockResult> {
    const result = await this.ports.lock.acquire();
    this.trace.emit("acquireLock", describeLock(result));
    return result;
  }

  async releaseLock(): Promise<LockResult> {
    const result = await this.ports.lock.release();
    this.trace.emit("releaseLock", describeLock(result));
    return result;
  }

  /** An API request with the cached access token; the event carries the answer's status. */
  async request(accessToken: string): Promise<ApiAnswer> {
    const answer = await this.ports.api.request(accessToken);
    this.trace.emit(
      "sendRequest",
      answer.kind === "error" ? `error ${answer.status ?? "network"}` : String(answer.status),
    );
    return answer;
  }

  async refresh(refreshToken: string): Promise<RefreshResult> {
    this.trace.emit("sendRefresh", redact(refreshToken));
    const result = await this.ports.tokenEndpoint.refresh(refreshToken, this.reason);
    this.trace.emit("receiveResponse", describeResponse(result));
    return result;
  }
}
