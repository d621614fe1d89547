/**
 * Real Codex binaries behind the project's `DriverProcess` interface (impl/driver/client.ts), so that a
 * scenario or stress run written for the reference implementation takes `--impl codex:<version>`.
 *
 * What app-server cannot say, and how it is filled in (DriverAuth has no "unknown"):
 * - it never reveals the refresh token or the account id: `refreshToken` is "" and `accountId` null;
 * - a poisoned snapshot comes back as `authToken: null`: `poisoned: true` with `accessToken` "";
 * - no auth at all (`authMethod` null): `auth: null`;
 * - `unauthorized` and `cached` have no app-server method: ok:false, kind "unsupported";
 * - no trace: Codex's own log lines go to the process's stderr log file instead.
 */
import { dirname, join } from "node:path";
import type { DriverExit, DriverProcess } from "../impl/driver/client.js";
import type { DriverReply } from "../impl/driver/protocol.js";
import { type AuthReply, CodexAppServer, type NetworkSetup, type ProcessFailure } from "./app-server.js";
import { type CodexHome, ensureCodexConfig } from "./home.js";

/** Error kinds as the reference client names transport failures, so callers handle one vocabulary. */
const TRANSPORT_KINDS: Record<string, string> = {
  timeout: "driver-timeout",
  crash: "driver-exited",
  protocol: "driver-protocol",
  spawn: "driver-exited",
};

function toDriverReply(id: number, reply: AuthReply): DriverReply {
  if (!reply.ok) {
    const kind = TRANSPORT_KINDS[reply.failure.kind] ?? reply.failure.kind;
    return { id, ok: false, error: { kind, message: reply.failure.message }, auth: null, trace: [] };
  }
  const { accessToken, authMethod } = reply.status;
  if (accessToken === null && authMethod === null) return { id, ok: true, auth: null, trace: [] };
  return {
    id,
    ok: true,
    auth: {
      accessToken: accessToken ?? "",
      refreshToken: "",
      accountId: null,
      poisoned: accessToken === null,
    },
    trace: [],
  };
}

export class CodexDriver implements DriverProcess {
  private nextId = 0;

  constructor(
    readonly server: CodexAppServer,
    /** Told when the binary dies during a call (not when it is asked to exit or killed). */
    private readonly onCrash: (failure: ProcessFailure) => void = () => undefined,
  ) {}

  get name(): string {
    return this.server.name;
  }

  /** The process's stderr log (Codex's own `codex_core::auth` lines). */
  get logPath(): string {
    return this.server.logPath;
  }

  auth(): Promise<DriverReply> {
    return this.call(() => this.server.auth());
  }
  refresh(): Promise<DriverReply> {
    return this.call(() => this.server.refresh());
  }
  unauthorized(): Promise<DriverReply> {
    return this.call(() => this.server.unauthorized());
  }
  cached(): Promise<DriverReply> {
    return this.call(() => this.server.cached());
  }

  async exit(): Promise<DriverExit> {
    const { code, signal } = await this.server.exit();
    return { code, signal };
  }

  async kill(): Promise<DriverExit> {
    const { code, signal } = await this.server.kill();
    return { code, signal };
  }

  private async call(verb: () => Promise<AuthReply>): Promise<DriverReply> {
    this.nextId += 1;
    const id = this.nextId;
    const reply = await verb();
    if (!reply.ok && reply.failure.kind === "crash") this.onCrash(reply.failure);
    return toDriverReply(id, reply);
  }
}

export interface SpawnCodexOptions {
  binaryPath: string;
  /** CODEX_HOME (holds auth.json); config.toml is written there if absent. HOME is its parent. */
  codexHome: string;
  name: string;
  tokenUrl: string;
  network: NetworkSetup;
  /** Where the stderr log goes; default `<parent of codexHome>/codex-logs`. */
  logsDirectory?: string;
  /** Told when the process dies during a call. */
  onCrash?: (failure: ProcessFailure) => void;
}

export type SpawnCodexResult =
  | { ok: true; driver: CodexDriver }
  | { ok: false; error: { kind: string; message: string; stderrLine?: string } };

/** Starts `codex app-server` on an existing CODEX_HOME, the counterpart of `spawnDriver`. */
export async function spawnCodexDriver(options: SpawnCodexOptions): Promise<SpawnCodexResult> {
  const home: CodexHome = {
    root: dirname(options.codexHome),
    home: dirname(options.codexHome),
    codexHome: options.codexHome,
    authPath: join(options.codexHome, "auth.json"),
    logsDirectory: options.logsDirectory ?? join(dirname(options.codexHome), "codex-logs"),
  };
  ensureCodexConfig(home);
  const started = await CodexAppServer.start({
    name: options.name,
    binaryPath: options.binaryPath,
    home,
    tokenUrl: options.tokenUrl,
    network: options.network,
  });
  if (!started.ok) return { ok: false, error: started.failure };
  return { ok: true, driver: new CodexDriver(started.process, options.onCrash) };
}
