/**
 * The surroundings of one scenario run on real Codex binaries: a token server with one family, a
 * throwaway HOME with the shared auth.json, the namespace bridge when namespaces work here, and every
 * started app-server, all torn down by `close()` whatever happened.
 */
import { join } from "node:path";
import {
  type FamilyTokens,
  startTokenServer,
  type TokenServer,
  type TokenServerOptions,
} from "../../server/index.js";
import type { NetworkSetup } from "../app-server.js";
import { type CodexDriver, spawnCodexDriver } from "../driver.js";
import { type CodexHome, createCodexHome, removeCodexHome, writeAuthFixture } from "../home.js";
import { type Bridge, type NamespaceSupport, probeNetworkNamespace, startBridge } from "../netns.js";
import type { ScenarioWorld } from "./types.js";

export interface CodexWorld extends ScenarioWorld {
  home: CodexHome;
  family: FamilyTokens;
  /** How processes are kept on loopback, for the report. */
  network: string;
  /** Stops every process, the bridge and the server; removes the home unless `keepHome`. */
  close(keepHome: boolean): Promise<void>;
}

const BRIDGE_SOCKET_NAME = "token.sock";

export type NetworkChoice = "auto" | "loopback-config";

export async function openCodexWorld(
  binaryPath: string,
  label: string,
  serverOptions: TokenServerOptions,
  choice: NetworkChoice,
): Promise<CodexWorld> {
  const server: TokenServer = await startTokenServer(serverOptions);
  const family = server.createFamily({ accessToken: "opaque" });
  const home = createCodexHome(label);
  const namespace: NamespaceSupport =
    choice === "auto" ? await probeNetworkNamespace() : { available: false, reason: "not asked for" };
  let bridge: Bridge | null = null;
  let network: NetworkSetup = { mode: "loopback-config" };
  let description = `no network namespace (${namespace.available ? "" : namespace.reason}): loopback by config.toml only`;
  if (namespace.available) {
    bridge = await startBridge(join(home.root, BRIDGE_SOCKET_NAME), server.port);
    network = { mode: "namespace", socketPath: bridge.socketPath, tokenServerPort: server.port };
    description =
      "each app-server in its own network namespace (unshare -n, lo only), token server via relay";
  }
  const processes: CodexDriver[] = [];
  return {
    server,
    home,
    family,
    network: description,
    async writeFixture(staleAfterSeconds) {
      const nowMs = Date.now();
      const written = await writeAuthFixture(home, family, staleAfterSeconds, nowMs);
      return written.ok ? { ok: true, staleAtMs: nowMs + staleAfterSeconds * 1_000 } : written;
    },
    async startProcess(name) {
      const started = await spawnCodexDriver({
        binaryPath,
        codexHome: home.codexHome,
        logsDirectory: home.logsDirectory,
        name,
        tokenUrl: server.tokenUrl,
        network,
      });
      if (!started.ok) {
        return {
          ok: false,
          problem: `${name} failed to start (${started.error.kind}): ${started.error.message}`,
        };
      }
      processes.push(started.driver);
      return { ok: true, process: started.driver };
    },
    async close(keepHome) {
      await Promise.all(processes.map((process) => process.exit()));
      await bridge?.close();
      await server.close();
      if (!keepHome) removeCodexHome(home);
    },
  };
}
