/** The driver's command line, parsed with node:util's parseArgs (strict: unknown options are errors). */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import {
  isMutantName,
  isVariant,
  type MutantName,
  mutantNames,
  requireMutant,
  VARIANTS,
} from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { type FileLockOptions, LOCK_RETRIES_MAX, LOCK_STALE_MS } from "../ports/file-lock.js";

/** proper-lockfile raises a smaller stale time to 2000 ms silently; here it is refused instead. */
const LOCK_STALE_MINIMUM_MS = 2_000;
/** A day: longer would make a crashed holder's lock outlive any run. */
const LOCK_STALE_MAXIMUM_MS = 86_400_000;
/**
 * Auth managers one driver process may hold (`--managers`). Codex builds two in one app-server (the second loads
 * cloud requirements: race R2); a few more cost nothing, but a run never needs many.
 */
export const DRIVER_MANAGERS_MAX = 4;

export const DRIVER_USAGE = [
  "usage: node dist/impl/driver/main.js --variant <variant> [--home <dir>] [--name <label>] [options]",
  "       node dist/impl/driver/main.js --mutant <name> [--home <dir>] [--name <label>] [options]",
  "       node dist/impl/driver/main.js --module <path> [--home <dir>] [--name <label>] [options]",
  "",
  `  --variant <v>    authrace's own auth manager in one of ${VARIANTS.join(", ")}`,
  `  --mutant <m>     its manager with one rule broken (model/mutants.ts): ${mutantNames().join(", ")};`,
  "                   the variant is the mutant's base (--variant, if given, must name it)",
  "  --module <path>  instead: the auth manager a module exports (impl/plugin/index.ts: variant, load)",
  "  --home <dir>     CODEX_HOME holding auth.json (default: $CODEX_HOME)",
  "  --name <label>   names this process in replies and traces (default: <variant>-<pid>)",
  "  --held           held mode: announce every port call and wait for `release`; time from `clock` lines",
  `  --managers <n>   hold n auth managers on the same home, each with its own cache, mutex and ports; a`,
  `                   request's "manager" field picks one (default 1, at most ${DRIVER_MANAGERS_MAX}; not with --held)`,
  `  --lock-stale-ms <ms>  the file lock's stale time (default ${LOCK_STALE_MS}; ${LOCK_STALE_MINIMUM_MS}..${LOCK_STALE_MAXIMUM_MS})`,
  `  --lock-retries <n>    attempts after the first before a busy lock fails (default ${LOCK_RETRIES_MAX}; 0..${LOCK_RETRIES_MAX})`,
  "",
  "The token endpoint is $CODEX_REFRESH_TOKEN_URL_OVERRIDE (default https://auth.openai.com/oauth/token).",
  "Speaks JSON lines on stdin/stdout; see docs/driver-protocol.md.",
].join("\n");

/**
 * Which auth manager the driver holds: the reference in one variant (or a mutant of it: `mutant` null for the
 * intact design), or a module's (loaded by main.ts).
 */
export type ManagerSource = { variant: Variant; mutant: MutantName | null } | { modulePath: string };

export interface DriverArguments {
  home: string;
  source: ManagerSource;
  /** The label given with --name; main.ts defaults it to `<variant>-<pid>` once the variant is known. */
  name: string | null;
  /** --held: every port call waits for the harness (docs/driver-protocol.md, held mode). */
  held: boolean;
  /** --managers: how many auth managers the process holds (1 unless given; never above 1 when held). */
  managers: number;
  /** --lock-stale-ms and --lock-retries, where given. */
  lock: FileLockOptions;
}

export type ArgumentsResult =
  | { ok: true; arguments: DriverArguments }
  | { ok: false; help: boolean; message: string };

interface Values {
  home?: string;
  variant?: string;
  mutant?: string;
  module?: string;
  name?: string;
  held?: boolean;
  managers?: string;
  "lock-stale-ms"?: string;
  "lock-retries"?: string;
  help?: boolean;
}

/** `--mutant <m>` [with --variant <its base>]: the mutant's base and name; a usage message otherwise. */
function mutantSource(mutant: string, variant: string | undefined): ManagerSource | string {
  if (!isMutantName(mutant)) return `unknown mutant '${mutant}' (one of ${mutantNames().join(", ")})`;
  const base = requireMutant(mutant).base.name;
  if (variant !== undefined && variant !== base) {
    return `mutant '${mutant}' is a mutant of '${base}', not of '${variant}'`;
  }
  return { variant: base, mutant };
}

/** --variant (and/or --mutant) or --module; a usage message otherwise. */
function sourceOf(values: Values): ManagerSource | string {
  if (values.module !== undefined) {
    if (values.variant !== undefined || values.mutant !== undefined) {
      return "--module excludes --variant and --mutant (a module names its own variant)";
    }
    return values.module === "" ? "--module needs a path" : { modulePath: resolve(values.module) };
  }
  if (values.mutant !== undefined) return mutantSource(values.mutant, values.variant);
  if (values.variant === undefined) return "--variant is required (or --mutant <name>, or --module <path>)";
  if (!isVariant(values.variant))
    return `unknown variant '${values.variant}' (one of ${VARIANTS.join(", ")})`;
  return { variant: values.variant, mutant: null };
}

/** A decimal integer in [minimum, maximum], or a message naming the option. */
function integerOption(option: string, text: string, minimum: number, maximum: number): number | string {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (Number.isSafeInteger(value) && value >= minimum && value <= maximum) return value;
  return `${option} '${text}' is not an integer in [${minimum}, ${maximum}]`;
}

/** --lock-stale-ms and --lock-retries; a usage message otherwise. */
function lockOptions(values: Values): FileLockOptions | string {
  const lock: FileLockOptions = {};
  const stale = values["lock-stale-ms"];
  if (stale !== undefined) {
    const staleMs = integerOption("--lock-stale-ms", stale, LOCK_STALE_MINIMUM_MS, LOCK_STALE_MAXIMUM_MS);
    if (typeof staleMs === "string") return staleMs;
    lock.staleMs = staleMs;
  }
  const retries = values["lock-retries"];
  if (retries !== undefined) {
    const retriesMax = integerOption("--lock-retries", retries, 0, LOCK_RETRIES_MAX);
    if (typeof retriesMax === "string") return retriesMax;
    lock.retriesMax = retriesMax;
  }
  return lock;
}

/** --managers: 1 when absent; held mode conducts one manager's port calls, so it takes no more. */
function managersOption(text: string | undefined, held: boolean): number | string {
  if (text === undefined) return 1;
  const managers = integerOption("--managers", text, 1, DRIVER_MANAGERS_MAX);
  if (typeof managers === "string") return managers;
  return held && managers > 1
    ? "--managers above 1 excludes --held (held mode conducts one manager)"
    : managers;
}

export function parseDriverArguments(
  argv: readonly string[],
  environment: NodeJS.ProcessEnv,
): ArgumentsResult {
  let values: Values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        home: { type: "string" },
        variant: { type: "string" },
        mutant: { type: "string" },
        module: { type: "string" },
        name: { type: "string" },
        held: { type: "boolean" },
        managers: { type: "string" },
        "lock-stale-ms": { type: "string" },
        "lock-retries": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { ok: false, help: false, message: (error as Error).message };
  }
  if (values.help) return { ok: false, help: true, message: DRIVER_USAGE };
  const source = sourceOf(values);
  if (typeof source === "string") return { ok: false, help: false, message: source };
  const lock = lockOptions(values);
  if (typeof lock === "string") return { ok: false, help: false, message: lock };
  const home = values.home ?? environment.CODEX_HOME;
  if (home === undefined || home === "") {
    return { ok: false, help: false, message: "no --home and no CODEX_HOME" };
  }
  const held = values.held === true;
  const managers = managersOption(values.managers, held);
  if (typeof managers === "string") return { ok: false, help: false, message: managers };
  const name = values.name ?? null;
  return { ok: true, arguments: { home: resolve(home), source, name, held, managers, lock } };
}
