/**
 * Ports that hold every call until someone releases it; the real I/O happens on release. This is the sans-IO
 * habit applied from outside: the implementation's code is unchanged and has no test-only branch, its ports
 * simply answer when the scheduler says so. Two schedulers use it: the conformance conductor for managers in
 * its own process (conform/slot.ts), and the driver program in held mode (impl/driver/held.ts), which
 * announces each held call on stdout and opens it when the harness sends `release`.
 *
 * A refresh is held twice: once before the POST leaves (`sendRefresh`: on release the real request reaches
 * the real server, which decides and rotates), once before its answer is handed back (`receiveResponse`).
 * An API request is held once (`sendRequest`): on release it is sent and its answer handed back.
 */
import type { IoEvent } from "../../model/vocabulary.js";
import type { Snapshot } from "../storage/index.js";
import type { AuthPorts, RefreshReason, RefreshResult, WriteMode } from "./types.js";

/** The port calls a scheduler can hold: the model's I/O events, except the model-only `flushDisk`. */
export type HeldKind = Exclude<IoEvent, "flushDisk">;

export const HELD_KINDS = [
  "readDisk",
  "writeDisk",
  "acquireLock",
  "releaseLock",
  "sendRefresh",
  "receiveResponse",
  "sendRequest",
] as const satisfies readonly HeldKind[];

export interface HeldCall {
  kind: HeldKind;
  /** writeDisk: how the implementation asked to write. */
  mode?: WriteMode;
  /** writeDisk: auth.json is removed instead (a logout); `mode` is then absent. */
  removes?: true;
  /** writeDisk: what it asked to write (in-process holders only; the driver protocol does not carry it). */
  snapshot?: Snapshot;
  /** sendRefresh: the refresh token about to be POSTed. */
  refreshToken?: string;
  /** sendRequest: the access token the API request carries. */
  accessToken?: string;
  /**
   * receiveResponse: the real answer, held. A call held in another process arrives as the protocol's summary
   * (docs/driver-protocol.md, held mode): an `ok` answer then has empty `tokens`.
   */
  response?: RefreshResult;
  /** Lets the port call proceed (its real I/O runs now). */
  open(): void;
}

/** Where held calls are announced; a conductor keeps at most one per manager (one call runs at a time). */
export type HoldSink = (call: HeldCall) => void;

function hold(sink: HoldSink, call: Omit<HeldCall, "open">): Promise<void> {
  return new Promise<void>((resolve) => sink({ ...call, open: resolve }));
}

export function holdPorts(real: AuthPorts, sink: HoldSink): AuthPorts {
  // Not a port call of the protocol (no model event): a harness's crash runs it at once, unheld.
  const abandon = real.lock.abandon?.bind(real.lock);
  return {
    clock: real.clock,
    disk: {
      file: real.disk.file,
      async read() {
        await hold(sink, { kind: "readDisk" });
        return real.disk.read();
      },
      async write(snapshot: Snapshot, mode: WriteMode) {
        await hold(sink, { kind: "writeDisk", mode, snapshot });
        return real.disk.write(snapshot, mode);
      },
      async remove() {
        // A removal changes auth.json as a write does: the model's logout leaves the disk absent.
        await hold(sink, { kind: "writeDisk", removes: true });
        return real.disk.remove();
      },
    },
    lock: {
      async acquire() {
        await hold(sink, { kind: "acquireLock" });
        return real.lock.acquire();
      },
      async release() {
        await hold(sink, { kind: "releaseLock" });
        return real.lock.release();
      },
      ...(abandon === undefined ? {} : { abandon }),
    },
    tokenEndpoint: {
      async refresh(refreshToken: string, reason?: RefreshReason) {
        await hold(sink, { kind: "sendRefresh", refreshToken });
        const response = await real.tokenEndpoint.refresh(refreshToken, reason);
        await hold(sink, { kind: "receiveResponse", response });
        return response;
      },
    },
    // One hold: the request is sent and answered on release (the model's sendRequest is one step).
    api: {
      async request(accessToken: string) {
        await hold(sink, { kind: "sendRequest", accessToken });
        return real.api.request(accessToken);
      },
    },
  };
}
