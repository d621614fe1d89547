#!/usr/bin/env node
/**
 * The driver program: ONE AuthManager in this OS process, with real adapters (auth.json in --home,
 * proper-lockfile, undici to $CODEX_REFRESH_TOKEN_URL_OVERRIDE), answering JSON-line commands on stdin.
 * Prints one ready line after loading auth.json; bad arguments exit 2. Protocol: docs/driver-protocol.md.
 */
import { AuthManager } from "../manager/auth-manager.js";
import { createRealPorts } from "../ports/real.js";
import { DRIVER_USAGE, parseDriverArguments } from "./arguments.js";
import type { DriverReady } from "./protocol.js";
import { serve } from "./serve.js";

const USAGE_EXIT_CODE = 2;

function writeLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<number> {
  const parsed = parseDriverArguments(process.argv.slice(2), process.env, process.pid);
  if (!parsed.ok) {
    if (parsed.help) {
      writeLine(parsed.message);
      return 0;
    }
    process.stderr.write(`authrace driver: ${parsed.message}\n\n${DRIVER_USAGE}\n`);
    return USAGE_EXIT_CODE;
  }
  const { home, variant, name } = parsed.arguments;
  const manager = await AuthManager.load({ variant, name, ports: createRealPorts({ codexHome: home }) });
  writeLine(JSON.stringify({ ready: true, name, variant, pid: process.pid } satisfies DriverReady));
  return serve({
    manager,
    input: process.stdin,
    writeLine,
    log: (line) => process.stderr.write(`[${name}] ${line}\n`),
  });
}

const exitCode = await main();
// Exit explicitly once stdout is flushed: idle keep-alive sockets and lock timers must not keep a driver alive.
process.stdout.write("", () => process.exit(exitCode));
