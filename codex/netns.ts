/**
 * Keeping a real Codex binary on loopback. Where root may create a network namespace (`unshare -n`), each
 * app-server runs in a fresh one whose only interface is `lo`: it cannot reach anything but what we put
 * there. The token server lives in our own namespace, so a relay bridges the two through a Unix socket
 * (sockets in the file system cross network namespaces):
 *
 *   codex --TCP--> relay 127.0.0.1:<port> (inside) --Unix socket--> bridge (outside) --TCP--> token server
 *
 * The relay is a few lines of plain Node run with `node -e`, so it needs no build step: it brings `lo` up,
 * listens, then spawns the binary with inherited stdio (JSON-RPC passes straight through) and mirrors
 * its exit status.
 */
import { connect, createServer, type Server, type Socket } from "node:net";
import { runCommand } from "./exec.js";
import { CODEX_LIMITS } from "./limits.js";

export type NamespaceSupport = { available: true } | { available: false; reason: string };

let probed: Promise<NamespaceSupport> | undefined;

/** Whether `unshare -n` works here and `lo` can be brought up inside (asked once per process). */
export function probeNetworkNamespace(): Promise<NamespaceSupport> {
  probed ??= (async (): Promise<NamespaceSupport> => {
    if (process.env.AUTHRACE_CODEX_NO_NETNS === "1") {
      return { available: false, reason: "disabled by AUTHRACE_CODEX_NO_NETNS=1" };
    }
    if (process.platform !== "linux") return { available: false, reason: `not Linux (${process.platform})` };
    const outcome = await runCommand("unshare", ["-n", "--", "ip", "link", "set", "lo", "up"], {
      timeoutMs: CODEX_LIMITS.namespaceProbeTimeoutMs,
    });
    if (outcome.code === 0) return { available: true };
    const why = outcome.spawnError ?? (outcome.timedOut ? "timed out" : outcome.stderr.trim());
    return { available: false, reason: `unshare -n failed: ${why || `exit ${outcome.code}`}` };
  })();
  return probed;
}

/**
 * Runs inside the namespace: `node -e RELAY_SOURCE <routes-json> <binary> <args...>`, where routes are
 * `[{ socketPath, port }, ...]`: one listener on 127.0.0.1:<port> per route (the token server; the recovery
 * scenario's model API too), each piped to its Unix socket. The binary starts once every listener is up.
 */
const RELAY_SOURCE = `
const { execFileSync, spawn } = require("node:child_process");
const net = require("node:net");
const [routesJson, binary, ...args] = process.argv.slice(1);
const routes = JSON.parse(routesJson);
execFileSync("ip", ["link", "set", "lo", "up"]);
function listen(route) {
  const relay = net.createServer((inner) => {
    const outer = net.connect(route.socketPath);
    inner.pipe(outer).on("error", () => inner.destroy());
    outer.pipe(inner).on("error", () => outer.destroy());
    inner.on("error", () => outer.destroy());
    outer.on("error", () => inner.destroy());
  });
  return new Promise((resolve) => relay.listen(route.port, "127.0.0.1", resolve));
}
Promise.all(routes.map(listen)).then(() => {
  const child = spawn(binary, args, { stdio: "inherit" });
  child.on("error", (error) => { process.stderr.write("relay: " + error.message + "\\n"); process.exit(127); });
  child.on("exit", (code, signal) => {
    if (signal) { process.removeAllListeners(signal); process.kill(process.pid, signal); }
    process.exit(code === null ? 1 : code);
  });
  for (const name of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(name, () => child.kill(name));
});
`;

/** One loopback port inside the namespace and the Unix socket its connections go to (a bridge's). */
export interface RelayRoute {
  socketPath: string;
  port: number;
}

/** Command and arguments that run `binary args...` inside a fresh namespace with the relay. */
export function namespacedCommand(
  socketPath: string,
  port: number,
  binary: string,
  args: readonly string[],
): { file: string; args: string[] } {
  return namespacedCommandForRoutes([{ socketPath, port }], binary, args);
}

/** `namespacedCommand` with several ports relayed, each to its own bridge. */
export function namespacedCommandForRoutes(
  routes: readonly RelayRoute[],
  binary: string,
  args: readonly string[],
): { file: string; args: string[] } {
  const relay = [process.execPath, "-e", RELAY_SOURCE, JSON.stringify(routes), binary, ...args];
  return { file: "unshare", args: ["-n", "--", ...relay] };
}

export interface Bridge {
  socketPath: string;
  close(): Promise<void>;
}

/** Outside end: every connection on `socketPath` is piped to 127.0.0.1:`port` (the token server). */
export function startBridge(socketPath: string, port: number): Promise<Bridge> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inner) => {
    const outer = connect(port, "127.0.0.1");
    for (const socket of [inner, outer]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
    }
    inner.pipe(outer);
    outer.pipe(inner);
    inner.on("error", () => outer.destroy());
    outer.on("error", () => inner.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve({
        socketPath,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
