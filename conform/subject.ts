/**
 * The implementation under test as conformance, replay and fast-check drive it: something that makes one
 * ProcessSlot per model process. In-process subjects wrap an AuthImplementation (ref:, mutant:, module:)
 * with held real ports; remote subjects (cmd:) drive a program in the driver protocol's held mode.
 */
import type { AuthImplementation } from "../impl/plugin/index.js";
import { createRealPorts, lockKindOf, type ManualClock } from "../impl/ports/index.js";
import { TOKEN_URL_OVERRIDE_VARIABLE } from "../impl/token/request.js";
import type { Variant } from "../model/vocabulary.js";
import { holdPorts } from "./held-ports.js";
import type { SessionScope } from "./session.js";
import { InProcessSlot, type ProcessSlot } from "./slot.js";
import { LOCK_STALE_CONDUCTOR_MS } from "./world-actions.js";

export interface SlotRequest {
  /** A, B, ... */
  name: string;
  /** The run's CODEX_HOME. */
  home: string;
  /** The run's token endpoint (CODEX_REFRESH_TOKEN_URL_OVERRIDE). */
  tokenUrl: string;
  /** The run's time; a remote process is told it before every action. */
  clock: ManualClock;
  /** The session the run belongs to: a remote subject keeps its processes there between runs. */
  scope?: SessionScope;
}

export interface Subject {
  /** `ref:locked`, `mutant:unlock-before-save`, `module:/x.js`, `cmd:...` */
  readonly name: string;
  /** The model variant it must follow. */
  readonly variant: Variant;
  slot(request: SlotRequest): ProcessSlot;
  /**
   * A program in another process: start it once, before any run, and say in one line why it cannot be run
   * (could not be started, exited or hung while starting, no held mode), or null. In-process subjects have none.
   */
  preflight?(): Promise<string | null>;
}

export function inProcessSubject(implementation: AuthImplementation): Subject {
  return {
    name: implementation.name,
    variant: implementation.variant,
    slot: ({ name, home, tokenUrl, clock }) =>
      new InProcessSlot(name, implementation, (sink) =>
        holdPorts(
          createRealPorts({
            codexHome: home,
            clock,
            lockKind: lockKindOf(implementation.variant),
            token: { environment: { [TOKEN_URL_OVERRIDE_VARIABLE]: tokenUrl } },
            lock: { staleMs: LOCK_STALE_CONDUCTOR_MS, retriesMax: 0 },
          }),
          sink,
        ),
      ),
  };
}
