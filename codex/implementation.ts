/**
 * `--impl codex:<version>` for any real-process run: parses the name, fetches the binary (cached), and
 * spawns `DriverProcess`es on a caller's CODEX_HOME and token server, each in its own network namespace
 * where `unshare -n` works. One bridge per token server port is shared by all processes of the run.
 *
 *   const prepared = await prepareCodexImplementation("codex:0.117.0");
 *   if (!prepared.ok) fail(prepared.failure.message);
 *   const started = await prepared.implementation.spawn({ codexHome, name: "A", tokenUrl: server.tokenUrl });
 *   ...
 *   await prepared.implementation.close();
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Variant } from "../model/vocabulary.js";
import type { NetworkSetup } from "./app-server.js";
import { type SpawnCodexResult, spawnCodexDriver } from "./driver.js";
import { type CodexBinary, type FetchFailure, type FetchOptions, fetchCodex } from "./fetch.js";
import { type Bridge, probeNetworkNamespace, startBridge } from "./netns.js";
import { variantForVersion } from "./versions.js";

export const CODEX_IMPLEMENTATION_PREFIX = "codex:";

/** The version in `codex:<version>`, or null when the name is not a Codex implementation. */
export function codexVersionOf(implementation: string): string | null {
  return implementation.startsWith(CODEX_IMPLEMENTATION_PREFIX)
    ? implementation.slice(CODEX_IMPLEMENTATION_PREFIX.length)
    : null;
}

export interface CodexSpawnRequest {
  /** CODEX_HOME holding the shared auth.json. */
  codexHome: string;
  name: string;
  /** The token endpoint, `http://127.0.0.1:<port>/oauth/token`. */
  tokenUrl: string;
  logsDirectory?: string;
}

export interface CodexImplementation {
  /** `codex:0.117.0` */
  name: string;
  binary: CodexBinary;
  /** The model variant this version mirrors; null for versions not mapped yet. */
  variant: Variant | null;
  /** How processes are kept on loopback. */
  network: string;
  spawn(request: CodexSpawnRequest): Promise<SpawnCodexResult>;
  /** Closes the bridges (the processes are the caller's to exit). */
  close(): Promise<void>;
}

export type PrepareResult =
  | { ok: true; implementation: CodexImplementation }
  | { ok: false; failure: FetchFailure };

export async function prepareCodexImplementation(
  implementation: string,
  options: FetchOptions = {},
): Promise<PrepareResult> {
  const version = codexVersionOf(implementation) ?? implementation;
  const fetched = await fetchCodex(version, options);
  if (!fetched.ok) return fetched;
  const namespace = await probeNetworkNamespace();
  const bridges = new Map<number, Bridge>();
  let socketDirectory: string | null = null;
  const networkFor = async (tokenUrl: string): Promise<NetworkSetup> => {
    if (!namespace.available) return { mode: "loopback-config" };
    const port = Number(new URL(tokenUrl).port);
    let bridge = bridges.get(port);
    if (!bridge) {
      socketDirectory ??= mkdtempSync(join(tmpdir(), "authrace-codex-bridge-"));
      bridge = await startBridge(join(socketDirectory, `${port}.sock`), port);
      bridges.set(port, bridge);
    }
    return { mode: "namespace", socketPath: bridge.socketPath, tokenServerPort: port };
  };
  return {
    ok: true,
    implementation: {
      name: `${CODEX_IMPLEMENTATION_PREFIX}${version}`,
      binary: fetched.binary,
      variant: variantForVersion(fetched.binary.version),
      network: namespace.available
        ? "network namespace per process"
        : `config.toml only (${namespace.reason})`,
      async spawn(request) {
        return spawnCodexDriver({
          binaryPath: fetched.binary.binaryPath,
          codexHome: request.codexHome,
          name: request.name,
          tokenUrl: request.tokenUrl,
          network: await networkFor(request.tokenUrl),
          ...(request.logsDirectory === undefined ? {} : { logsDirectory: request.logsDirectory }),
        });
      },
      async close() {
        await Promise.all([...bridges.values()].map((bridge) => bridge.close()));
        bridges.clear();
        if (socketDirectory) rmSync(socketDirectory, { recursive: true, force: true });
      },
    },
  };
}
