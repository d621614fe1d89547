#!/usr/bin/env node
/**
 * The driver program: ONE auth manager in this OS process (or n with `--managers <n>`, as Codex's app-server
 * holds two), with real adapters (auth.json in --home, the
 * design's lock: proper-lockfile or flock(2), undici to $CODEX_REFRESH_TOKEN_URL_OVERRIDE), answering
 * JSON-line commands on stdin.
 * The manager is authrace's AuthManager in --variant (or a mutant of it, --mutant), or the one a module exports
 * (--module <path>, the interface of impl/plugin/index.ts). Prints one ready line after loading auth.json; bad arguments and a
 * module that cannot be loaded exit 2. With --held every port call waits for the harness (held.ts), which
 * also sets the clock. Protocol: docs/driver-protocol.md.
 */
import { resolve } from "node:path";
import { DESIGNS_ENVIRONMENT_VARIABLE, registerSerializedDesigns } from "../../model/designs/index.js";
import type { LockKind } from "../../model/designs/types.js";
import type { Variant } from "../../model/vocabulary.js";
import { AuthManager } from "../manager/auth-manager.js";
import { describeStorageError } from "../manager/errors.js";
import { loadModuleImplementation, type ManagerUnderTest } from "../plugin/index.js";
import { createRealPorts, lockKindOf } from "../ports/real.js";
import type { AuthPorts } from "../ports/types.js";
import type { StorageError } from "../storage/index.js";
import { DRIVER_USAGE, type DriverArguments, type ManagerSource, parseDriverArguments } from "./arguments.js";
import { HeldMode } from "./held.js";
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
  | { ok: true; manager: ServedManager; variant: Variant; name: string; rejection: StorageError | null }
  | { ok: false; message: string };

/**
 * Loads the manager (reading auth.json once). A module that cannot be imported, exports the wrong shape, or
 * whose load() throws is an error naming its file.
 */
async function loadManager(source: ManagerSource, ports: AuthPorts, label: string | null): Promise<Loaded> {
  if ("variant" in source) {
    const { variant, mutant } = source;
    const name = label ?? `${variant}-${process.pid}`;
    const manager = await AuthManager.load({ variant, name, ports, ...(mutant === null ? {} : { mutant }) });
    return { ok: true, manager, variant, name, rejection: manager.rejection() };
  }
  const file = source.modulePath;
  const imported = await loadModuleImplementation(file);
  if (!imported.ok) return imported;
  const { variant } = imported.implementation;
  const name = label ?? `${variant}-${process.pid}`;
  try {
    const manager = await imported.implementation.load({ ports, name });
    // The plugin interface does not say why a module's manager found no auth.json.
    return { ok: true, manager: served(manager), variant, name, rejection: null };
  } catch (error) {
    return { ok: false, message: `${file}: load() threw (${(error as Error).message})` };
  }
}

function readyLine(parsed: DriverArguments, loaded: { variant: Variant; name: string }): string {
  const { source } = parsed;
  const mutant = "mutant" in source && source.mutant !== null ? { mutant: source.mutant } : {};
  const held = parsed.held ? { held: true as const, reset: true as const } : {};
  const managers = parsed.managers > 1 ? { managers: parsed.managers } : {};
  const { name, variant } = loaded;
  return JSON.stringify({
    ready: true,
    name,
    variant,
    ...mutant,
    ...held,
    ...managers,
    pid: process.pid,
  } satisfies DriverReady);
}

function logTo(name: string): (line: string) => void {
  return (line) => process.stderr.write(`[${name}] ${line}\n`);
}

/**
 * A rejected auth.json (anything but missing) is said on stderr at once, naming the file and the field: the
 * replies then only say "not logged in", and the user needs to know it is the file, not the login.
 */
function reportRejection(loaded: { name: string; rejection: StorageError | null }): void {
  const { rejection } = loaded;
  if (rejection === null || rejection.kind === "missing") return;
  logTo(loaded.name)(`auth.json rejected (${rejection.kind}): ${describeStorageError(rejection)}`);
}

/**
 * The lock the manager's design takes: a variant's from its record; a module is imported to learn its variant
 * (loading imports it again, from Node's module cache). Known before any port is made, so every set of ports
 * of the process (the manager's, login's and logout's) takes the same kind of lock.
 */
async function lockKindOfSource(source: ManagerSource): Promise<{ kind: LockKind } | { message: string }> {
  if ("variant" in source) return { kind: lockKindOf(source.variant) };
  const imported = await loadModuleImplementation(source.modulePath);
  return imported.ok ? { kind: lockKindOf(imported.implementation.variant) } : { message: imported.message };
}

function loadFailed(message: string): number {
  process.stderr.write(`authrace driver: --module ${message}\n`);
  return USAGE_EXIT_CODE;
}

/**
 * `--managers <n>`: managers 1 to n-1, loaded after the first, each on ports of its own (its own lock instance, so
 * two managers of this process exclude each other on the file lock as two processes do), named `<name>:<index>`.
 */
async function loadOtherManagers(
  parsed: DriverArguments,
  lockKind: LockKind,
  name: string,
): Promise<{ ok: true; managers: ServedManager[] } | { ok: false; message: string }> {
  const managers: ServedManager[] = [];
  for (let index = 1; index < parsed.managers; index += 1) {
    const ports = createRealPorts({ codexHome: parsed.home, lockKind, lock: parsed.lock });
    const loaded = await loadManager(parsed.source, ports, `${name}:${index}`);
    if (!loaded.ok) return loaded;
    managers.push(loaded.manager);
  }
  return { ok: true, managers };
}

/** Loads, prints the ready line, then serves commands until `exit` or the end of stdin. */
async function runFree(parsed: DriverArguments, lockKind: LockKind): Promise<number> {
  const ports = createRealPorts({ codexHome: parsed.home, lockKind, lock: parsed.lock });
  const loaded = await loadManager(parsed.source, ports, parsed.name);
  if (!loaded.ok) return loadFailed(loaded.message);
  reportRejection(loaded);
  const others = await loadOtherManagers(parsed, lockKind, loaded.name);
  if (!others.ok) return loadFailed(others.message);
  writeLine(readyLine(parsed, loaded));
  const { manager } = loaded;
  // login and logout get ports of their own: a lock instance remembers what its holder holds.
  const accountPorts = createRealPorts({ codexHome: parsed.home, lockKind, lock: parsed.lock });
  return serve({
    manager: () => manager,
    otherManagers: others.managers,
    input: process.stdin,
    writeLine,
    log: logTo(loaded.name),
    accountPorts: () => accountPorts,
  });
}

/**
 * Held mode: the command loop runs from the start, because the construction read of auth.json is held and only
 * a `release` line lets loading finish. The end of stdin before that ends the process. A `reset` line loads a
 * new manager on another CODEX_HOME the same way (held read, then the ready line again), so one process serves
 * many conformance runs; a load superseded by a later reset prints nothing.
 */
async function runHeld(parsed: DriverArguments, lockKind: LockKind): Promise<number> {
  const held = new HeldMode(writeLine);
  let manager: ServedManager | null = null;
  let name = parsed.name ?? `driver-${process.pid}`;
  let accountPorts: AuthPorts | null = null;
  let failed: ((code: number) => void) | null = null;
  const loadFailure = new Promise<number>((resolve) => {
    failed = resolve;
  });
  const loadOn = async (home: string): Promise<void> => {
    const generation = held.generation;
    manager = null;
    const options = { codexHome: home, lockKind, lock: parsed.lock, clock: held.clock };
    const ports = held.hold(createRealPorts(options));
    accountPorts = held.hold(createRealPorts(options));
    const loaded = await loadManager(parsed.source, ports, parsed.name);
    if (generation !== held.generation) return;
    if (!loaded.ok) {
      failed?.(loadFailed(loaded.message));
      return;
    }
    ({ manager, name } = loaded);
    reportRejection(loaded);
    writeLine(readyLine(parsed, loaded));
  };
  held.onReset = (home) => void loadOn(resolve(home));
  const serving = serve({
    manager: () => manager,
    held,
    input: process.stdin,
    writeLine,
    log: (line) => logTo(name)(line),
    accountPorts: () => {
      if (accountPorts === null) throw new Error("driver: an account command before the first load");
      return accountPorts;
    },
  });
  void loadOn(parsed.home);
  return Promise.race([serving, loadFailure]);
}

async function main(): Promise<number> {
  try {
    registerSerializedDesigns(process.env[DESIGNS_ENVIRONMENT_VARIABLE] ?? "", DESIGNS_ENVIRONMENT_VARIABLE);
  } catch (error) {
    process.stderr.write(`authrace driver: ${(error as Error).message}\n`);
    return USAGE_EXIT_CODE;
  }
  const parsed = parseDriverArguments(process.argv.slice(2), process.env);
  if (!parsed.ok) {
    if (parsed.help) {
      writeLine(parsed.message);
      return 0;
    }
    process.stderr.write(`authrace driver: ${parsed.message}\n\n${DRIVER_USAGE}\n`);
    return USAGE_EXIT_CODE;
  }
  const lock = await lockKindOfSource(parsed.arguments.source);
  if ("message" in lock) return loadFailed(lock.message);
  return parsed.arguments.held ? runHeld(parsed.arguments, lock.kind) : runFree(parsed.arguments, lock.kind);
}

const exitCode = await main();
// Exit explicitly once stdout is flushed: idle keep-alive sockets and lock timers must not keep a driver alive.
process.stdout.write("", () => process.exit(exitCode));
