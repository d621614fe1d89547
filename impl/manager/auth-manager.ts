/**
 * AuthManager: Codex's managed-ChatGPT auth for one CODEX_HOME, in one of four variants (variants.ts), or a
 * mutant of one (a broken variant kept on purpose, docs/mutation.md).
 * It loads auth.json once at construction, then touches disk only in the steps of docs/protocol.md.
 * Calls: auth() (proactive refresh when stale), refreshToken(), unauthorized() (an API request and its 401
 * recovery), reload(),
 * cached() (no I/O).
 */
import type { Variant } from "../../model/vocabulary.js";
import type { AuthPorts } from "../ports/types.js";
import type { StorageError } from "../storage/index.js";
import { cacheAfterReload, cachedAuth, EMPTY_CACHE, resultFromCache } from "./cache.js";
import { limitError, notHandedOutError } from "./errors.js";
import type { FlowContext, FlowResult } from "./flow-context.js";
import { guardedRefresh, refreshCachedToken } from "./flow-guarded.js";
import { lockedRefresh } from "./flow-locked.js";
import { requestWithRecovery } from "./flow-recovery.js";
import { RefreshMutex } from "./mutex.js";
import { canHandOut, isStale } from "./staleness.js";
import { CallTrace, TracedIo } from "./traced-io.js";
import type { AuthResult, Cache, CachedAuth, CallOptions, TraceEventName, TraceSink } from "./types.js";
import { rulesFor, type VariantRules } from "./variants.js";

export interface AuthManagerOptions {
  variant: Variant;
  /** Break one rule of `variant` on purpose (model/mutants.ts); a mutant of another variant throws. */
  mutant?: string;
  /** A set of ports of its own (see createRealPorts); never shared with another manager. */
  ports: AuthPorts;
  /** Names the manager in trace events; default the variant (`<variant>/mutant:<mutant>` for a mutant). */
  name?: string;
  /** Receives every event of every call. */
  trace?: TraceSink;
}

export class AuthManager {
  readonly name: string;
  readonly variant: Variant;
  readonly mutant: string | null;
  readonly rules: VariantRules;
  private readonly ports: AuthPorts;
  private readonly sink: TraceSink | undefined;
  private readonly mutex = new RefreshMutex();
  private state: Cache = EMPTY_CACHE;
  private callCount = 0;

  private constructor(options: AuthManagerOptions) {
    this.variant = options.variant;
    this.mutant = options.mutant ?? null;
    this.rules = rulesFor(options.variant, options.mutant);
    const fullName = this.mutant === null ? this.variant : `${this.variant}/mutant:${this.mutant}`;
    this.name = options.name ?? fullName;
    this.ports = options.ports;
    this.sink = options.trace;
  }

  /** Constructs a manager by reading auth.json once (the model's `restart`); unreadable -> logged out. */
  static async load(options: AuthManagerOptions, callOptions: CallOptions = {}): Promise<AuthManager> {
    const manager = new AuthManager(options);
    const io = new TracedIo(manager.ports, manager.callTrace(0, callOptions));
    manager.state = cacheAfterReload(EMPTY_CACHE, await io.restart(), manager.rules);
    return manager;
  }

  /**
   * No I/O: why the last read that emptied the cache found no usable auth.json (null while a snapshot is cached,
   * or before any read). A `missing` file is the ordinary logged-out state; any other kind is a rejection.
   */
  rejection(): StorageError | null {
    return this.state.snapshot === null ? (this.state.rejection ?? null) : null;
  }

  /** No I/O: the cached snapshot and whether it is poisoned. */
  cached(): CachedAuth {
    return cachedAuth(this.state);
  }

  /** Fresh -> the cache. Stale -> refresh (per variant); on error log it and return the cached snapshot. */
  async auth(options: CallOptions = {}): Promise<AuthResult> {
    const context = this.beginCall("callAuth", options);
    const { snapshot } = this.state;
    if (snapshot === null) return resultFromCache(this.state);
    if (!canHandOut(snapshot)) return { ok: false, error: notHandedOutError() };
    if (!isStale(snapshot, this.rules.staleness, this.ports.clock.nowMs()))
      return resultFromCache(this.state);
    const outcome =
      this.rules.staleAuth === "post-cached-token"
        ? await refreshCachedToken(context)
        : await this.serialised(() => this.refreshFlow(context));
    const after = this.state;
    if (outcome.ok || after.snapshot === null) return this.resultOf(outcome);
    return {
      ok: true,
      snapshot: after.snapshot,
      poisoned: after.poison !== null,
      refreshError: outcome.error,
    };
  }

  async refreshToken(options: CallOptions = {}): Promise<AuthResult> {
    const context = this.beginCall("callRefresh", options);
    return this.resultOf(await this.serialised(() => this.refreshFlow(context)));
  }

  /**
   * An API request with the cached access token, and 401 recovery as Codex runs it (flow-recovery.ts): Reload,
   * the request again, then RefreshToken (the design's `recoveryRefresh`). Only RefreshToken takes the
   * in-process lock.
   */
  async unauthorized(options: CallOptions = {}): Promise<AuthResult> {
    const context = this.beginCall("callUnauthorized", options);
    const outcome = await requestWithRecovery(
      context,
      () => this.serialised(() => this.refreshFlow(context)),
      () => this.serialised(() => refreshCachedToken(context)),
    );
    return this.resultOf(outcome);
  }

  /** Codex's reload(): cache := disk; an unreadable file logs out. Not a protocol call of its own. */
  async reload(options: CallOptions = {}): Promise<AuthResult> {
    const context = this.beginCall(undefined, options);
    this.state = cacheAfterReload(this.state, await context.io.readDisk(), this.rules);
    return resultFromCache(this.state);
  }

  private refreshFlow(context: FlowContext): Promise<FlowResult> {
    return this.rules.lockScope === "refresh" ? lockedRefresh(context) : guardedRefresh(context);
  }

  private async serialised(work: () => Promise<FlowResult>): Promise<FlowResult> {
    if (!this.rules.inProcessLock) return work();
    const result = await this.mutex.run(work);
    return result.ok ? result.value : { ok: false, error: limitError(result.message) };
  }

  private resultOf(outcome: FlowResult): AuthResult {
    return outcome.ok ? resultFromCache(this.state) : { ok: false, error: outcome.error };
  }

  private callTrace(call: number, options: CallOptions): CallTrace {
    const sinks = [this.sink, options.trace].filter((sink): sink is TraceSink => sink !== undefined);
    return new CallTrace(this.name, call, sinks);
  }

  private beginCall(event: TraceEventName | undefined, options: CallOptions): FlowContext {
    this.callCount += 1;
    const trace = this.callTrace(this.callCount, options);
    if (event !== undefined) trace.emit(event);
    return {
      rules: this.rules,
      io: new TracedIo(
        this.ports,
        trace,
        event === "callAuth" && this.rules.sendsRefreshReason ? "scheduled" : undefined,
      ),
      clock: this.ports.clock,
      cache: () => this.state,
      setCache: (cache) => {
        this.state = cache;
      },
    };
  }
}
