#!/usr/bin/env node
/**
 * The driver program: ONE auth manager in this OS process, with real adapters (auth.json in --home,
 * proper-lockfile, undici to $CODEX_REFRESH_TOKEN_URL_OVERRIDE), answering JSON-line commands on stdin.
 * The manager is authrace's AuthManager in --variant (or a mutant of it, --mutant), or the one a module exports
 * (--module <path>, the interface of impl/plugin/index.ts). Prints one ready line after loading auth.json; bad arguments and a
 * module that cannot be loaded exit 2. Protocol: docs/driver-protocol.md.
 */
import type { Variant } from "../../model/vocabulary.js";
import { AuthManager } from "../manager/auth-manager.js";
import { loadModuleImplementation, type ManagerUnderTest } from "../plugin/index.js";
import { createRealPorts } from "../ports/real.js";
import { DRIVER_USAGE, type ManagerSource, parseDriverArguments } from "./arguments.js";
import type { DriverReady } from "./protocol.js";
import { type ServedManager, serve } from "./serve.js";

const USAGE_EXIT_CODE = 2;

function writeLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** The plugin interface takes no options, so a module's replies carry no trace (docs/driver-protocol.md). */
function served(manager: ManagerUnderTest): ServedManager {
  return {
    auth: () => manager.auth(),
    refreshToken: () => manager.refreshToken(),
    unauthorized: () => manager.unauthorized(),
    cached: () => manager.cached(),
  };
}

type Loaded =
  | { ok: true; manager: ServedManager; variant: Variant; name: string }
  | { ok: false; message: string };

/**
 * Loads the manager (reading auth.json once). A module that cannot be imported, exports the wrong shape, or
 * whose load() throws is an error naming its file.
 */
async function loadManager(source: ManagerSource, home: string, label: string | null): Promise<Loaded> {
  const ports = createRealPorts({ codexHome: home });
  if ("variant" in source) {
    const { variant, mutant } = source;
    const name = label ?? `${variant}-${process.pid}`;
    const manager = await AuthManager.load({ variant, name, ports, ...(mutant === null ? {} : { mutant }) });
    return { ok: true, manager, variant, name };
  }
  const file = source.modulePath;
  const imported = await loadModuleImplementation(file);
  if (!imported.ok) return imported;
  const { variant } = imported.implementation;
  const name = label ?? `${variant}-${process.pid}`;
  try {
    const manager = await imported.implementation.load({ ports, name });
    return { ok: true, manager: served(manager), variant, name };
  } catch (error) {
    return { ok: false, message: `${file}: load() threw (${(error as Error).message})` };
  }
}

async function main(): Promise<number> {
  const parsed = parseDriverArguments(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    if (parsed.help) {
      writeLine(parsed.message);
      return 0;
    }
    process.stderr.write(`authrace driver: ${parsed.message}\n\n${DRIVER_USAGE}\n`);
    return USAGE_EXIT_CODE;
  }
  const { home, source, name: label } = parsed.arguments;
  const loaded = await loadManager(source, home, label);
  if (!loaded.ok) {
    process.stderr.write(`authrace driver: --module ${loaded.message}\n`);
    return USAGE_EXIT_CODE;
  }
  const { manager, variant, name } = loaded;
  const mutant = "mutant" in source && source.mutant !== null ? { mutant: source.mutant } : {};
  writeLine(
    JSON.stringify({ ready: true, name, variant, ...mutant, pid: process.pid } satisfies DriverReady),
  );
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
