/**
 * A hook for watching a real-process run from outside (validate/'s recorder): it sees every token request the
 * server decides, the world once auth.json holds the fixture and before any process starts, and every started
 * process, which it may wrap to see each call. Scenarios and stress runs take one optionally; without one
 * nothing changes.
 */
import type { DriverProcess } from "../impl/driver/client.js";
import type { RequestRecord, TokenServer } from "../server/index.js";

export interface ObservedWorld {
  server: TokenServer;
  /** CODEX_HOME: auth.json and the lock files live here. */
  codexHome: string;
}

export interface RunObserver {
  /** Given to the token server as `onRequest`: called when it decides each request, before any delay. */
  onRequest(record: RequestRecord): void;
  /** The server is up and auth.json holds the fixture; no process has started yet. */
  opened(world: ObservedWorld): void;
  /** Every process once started; the run uses what this returns instead (a wrapper that sees each call). */
  started(name: string, process: DriverProcess): DriverProcess;
  /** The run is over and about to be torn down (processes still up, files still there): stop watching. */
  closing(): Promise<void>;
}
