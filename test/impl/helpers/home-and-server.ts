/**
 * The set-up most manager and driver tests share: per test, a temporary CODEX_HOME (optionally holding an
 * auth.json), a rotating token server on 127.0.0.1 and its Rotation; after the test the server is closed
 * first, then the home removed (vitest runs after-hooks in reverse order).
 */
import { afterEach, beforeEach } from "vitest";
import type { Snapshot } from "../../../impl/storage/index.js";
import type { Variant } from "../../../model/vocabulary.js";
import { type CurrentHome, loadManager, type TestManager, useTempHome, writeFixture } from "./home.js";
import { Rotation, startTokenServer, type TokenServer } from "./token-server.js";

export interface HomeAndServer extends CurrentHome {
  readonly server: TokenServer;
  readonly rotation: Rotation;
  /** loadManager on this home, sending its refreshes to this server. */
  load(variant: Variant, options?: { name?: string; timeoutMs?: number }): Promise<TestManager>;
}

export function useHomeAndServer(
  options: {
    /** The server's rotation; default `new Rotation()` (generation 0, no delay). */
    rotation?: () => Rotation;
    /** Written to auth.json before each test; no auth.json when absent. */
    authJson?: Snapshot;
  } = {},
): HomeAndServer {
  const temp = useTempHome();
  let current: { server: TokenServer; rotation: Rotation } | undefined;
  beforeEach(async () => {
    const rotation = options.rotation?.() ?? new Rotation();
    current = { rotation, server: await startTokenServer(rotation.handle) };
    if (options.authJson !== undefined) await writeFixture(temp.file, options.authJson);
  });
  afterEach(async () => {
    await current?.server.close();
    current = undefined;
  });
  const now = (): { server: TokenServer; rotation: Rotation } => {
    if (current === undefined) throw new Error("useHomeAndServer: read outside a test");
    return current;
  };
  return {
    get home() {
      return temp.home;
    },
    get file() {
      return temp.file;
    },
    get server() {
      return now().server;
    },
    get rotation() {
      return now().rotation;
    },
    load: (variant, loadOptions = {}) =>
      loadManager({ home: temp.home, variant, tokenUrl: now().server.url, ...loadOptions }),
  };
}
