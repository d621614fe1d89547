/**
 * `--impl <spec>`: which implementation a command runs in real processes, one parser for every command that
 * takes it (scenario, stress). Parsing is pure and every mistake is a UsageError naming the spec; opening
 * (fetching a Codex release, importing a module to learn its variant) is `openImplementation`.
 *
 *   ref:<variant>    authrace's driver in that variant (`reference:<variant>`, the name reports print, too)
 *   codex:<version>  a real Codex release's `codex app-server` (fetched with npm, cached)
 *   codex:<path>     a Codex binary on disk (a local build), judged by --variant's design or none
 *   cmd:<command>    any program speaking the driver protocol (docs/driver-protocol.md)
 *   module:<path>    a module exporting impl/plugin's interface, run inside authrace's driver (--module)
 *   mutant:<name>    authrace's driver with one rule of a design broken (model/mutants.ts, --mutant), judged
 *                    by its base design's expectation: a mutant the run kills differs from it
 */
import { resolve } from "node:path";
import { type PrepareResult, prepareCodexImplementation } from "../codex/implementation.js";
import { describeBinary } from "../codex/report.js";
import { defaultDriverScript, spawnDriver } from "../impl/driver/client.js";
import { loadModuleImplementation } from "../impl/plugin/index.js";
import { isMutantName, MUTANT_NAMES, MUTANTS, type MutantName } from "../model/mutants.js";
import { isVariant, VARIANTS, type Variant } from "../model/vocabulary.js";
import {
  type ProcessFactory,
  REFERENCE_IMPLEMENTATION_PREFIX,
  referenceImplementation,
  SCENARIO_LIMITS,
} from "../scenarios/index.js";
import { type CodexChoice, openCodexChoice, parseCodexSpec } from "./codex-target.js";
import { UsageError } from "./command.js";

export const SPEC_KINDS = ["ref", "codex", "cmd", "module", "mutant"] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];

/** How each kind is written, for messages and usage texts. */
export const SPEC_FORMS: Readonly<Record<SpecKind, string>> = {
  ref: "ref:<variant>",
  codex: "codex:<version|path>",
  cmd: "cmd:<command>",
  module: "module:<path>",
  mutant: "mutant:<name>",
};

/** The prefixes of each kind; `reference:` is how reports name the reference, so it parses back. */
const SPEC_PREFIXES: Readonly<Record<SpecKind, readonly string[]>> = {
  ref: ["ref:", REFERENCE_IMPLEMENTATION_PREFIX],
  codex: ["codex:"],
  cmd: ["cmd:"],
  module: ["module:"],
  mutant: ["mutant:"],
};

/** What to run: the reference in one variant, a Codex release, a driver program, a plugin module, a mutant. */
export type ImplementationChoice =
  | { variant: Variant }
  | CodexChoice
  | { command: readonly string[] }
  | { modulePath: string }
  | { mutant: MutantName };

/** `ref:<variant> or codex:<version>`; `a, b, c or d` for more. */
export function describeSpecKinds(kinds: readonly SpecKind[]): string {
  const forms = kinds.map((kind) => SPEC_FORMS[kind]);
  const last = forms.pop();
  return forms.length === 0 ? (last ?? "") : `${forms.join(", ")} or ${last}`;
}

function variantOrUsage(variant: string, where: string): Variant {
  if (!isVariant(variant)) {
    throw new UsageError(`unknown variant '${variant}'${where} (known: ${VARIANTS.join(", ")})`);
  }
  return variant;
}

function splitSpec(spec: string): { kind: SpecKind; rest: string } | null {
  for (const kind of SPEC_KINDS) {
    const prefix = SPEC_PREFIXES[kind].find((candidate) => spec.startsWith(candidate));
    if (prefix !== undefined) return { kind, rest: spec.slice(prefix.length) };
  }
  return null;
}

/**
 * `cmd:<command>` is split on whitespace, with no shell and no quoting, so the program and every argument are
 * exactly what was typed; a path with spaces needs a wrapper script.
 */
function parseCommand(spec: string, rest: string): readonly string[] {
  const words = rest
    .trim()
    .split(/\s+/)
    .filter((word) => word !== "");
  if (words.length === 0) throw new UsageError(`--impl '${spec}': no command after cmd:`);
  return words;
}

/** Pure: a spec of one of the `accepted` kinds; anything else is a UsageError naming the spec. */
export function parseImplementationSpec(
  spec: string,
  accepted: readonly SpecKind[] = SPEC_KINDS,
): ImplementationChoice {
  const split = splitSpec(spec);
  if (split === null) {
    throw new UsageError(`unknown implementation '${spec}' (expected ${describeSpecKinds(accepted)})`);
  }
  const { kind, rest } = split;
  if (!accepted.includes(kind)) {
    throw new UsageError(`--impl '${spec}': not taken here (expected ${describeSpecKinds(accepted)})`);
  }
  switch (kind) {
    case "ref":
      return { variant: variantOrUsage(rest, ` in --impl '${spec}'`) };
    case "codex":
      return parseCodexSpec(spec, rest);
    case "cmd":
      return { command: parseCommand(spec, rest) };
    case "module":
      if (rest === "") throw new UsageError(`--impl '${spec}': no path after module:`);
      return { modulePath: resolve(rest) };
    case "mutant":
      if (!isMutantName(rest)) {
        throw new UsageError(
          `unknown mutant '${rest}' in --impl '${spec}' (known: ${MUTANT_NAMES.join(", ")})`,
        );
      }
      return { mutant: rest };
  }
}

/**
 * `--variant <v>` alone is `--impl ref:<v>`; next to a `ref:` spec it must agree. Every other kind names its
 * own variant (a Codex release mirrors one, a module exports one, a mutant has a base, a cmd: program is its
 * own business), so `--variant` next to it is a UsageError.
 */
export function resolveImplementation(
  values: { variant?: string | undefined; impl?: string | undefined },
  accepted: readonly SpecKind[] = SPEC_KINDS,
): ImplementationChoice {
  if (values.impl === undefined) {
    if (values.variant === undefined) {
      const forms = accepted.map((kind) => SPEC_FORMS[kind]).join(" | ");
      throw new UsageError(`--variant is required (${VARIANTS.join(", ")}), or --impl ${forms}`);
    }
    return { variant: variantOrUsage(values.variant, "") };
  }
  const chosen = parseImplementationSpec(values.impl, accepted);
  if (values.variant === undefined) return chosen;
  if ("codexPath" in chosen) return { ...chosen, design: variantOrUsage(values.variant, "") };
  if ("codexVersion" in chosen) {
    throw new UsageError(`--variant and --impl '${values.impl}': a Codex release mirrors its own variant`);
  }
  if ("modulePath" in chosen) {
    throw new UsageError(`--variant and --impl '${values.impl}': a module exports its own variant`);
  }
  if ("mutant" in chosen) {
    throw new UsageError(`--variant and --impl '${values.impl}': a mutant is judged as its base design`);
  }
  if ("command" in chosen) {
    throw new UsageError(
      `--variant and --impl '${values.impl}': a cmd: program is not told a variant (see --expect-stale-sends)`,
    );
  }
  if (chosen.variant !== values.variant) {
    throw new UsageError(`--variant ${values.variant} and --impl '${values.impl}' disagree`);
  }
  return chosen;
}

/**
 * Fetches a Codex release (cached) as a `ProcessFactory`. Text mode says what was fetched and how processes
 * are kept on loopback; a release that cannot be had is reported on stderr either way.
 */
export async function openCodex(commandName: string, version: string, json: boolean): Promise<PrepareResult> {
  if (!json)
    console.error(`authrace ${commandName}: fetching Codex ${version} (cached after the first time)...`);
  const prepared = await prepareCodexImplementation(version);
  if (!prepared.ok) {
    const { kind, message } = prepared.failure;
    console.error(`authrace ${commandName}: cannot use Codex ${version}: ${kind}: ${message}`);
  } else if (!json) {
    console.log(`${describeBinary(prepared.implementation.binary)}\n${prepared.implementation.network}\n`);
  }
  return prepared;
}

/**
 * A driver program as a `ProcessFactory`, with the reference's waits. No `--variant` is passed: the program
 * knows its implementation (its own command line, or the module it was given).
 */
export function driverProgramImplementation(
  name: string,
  variant: Variant | null,
  command: readonly string[],
): ProcessFactory {
  return {
    name,
    variant,
    async spawn(request) {
      const started = await spawnDriver({
        home: request.codexHome,
        name: request.name,
        tokenUrl: request.tokenUrl,
        command,
        replyTimeoutMs: SCENARIO_LIMITS.replyTimeoutMs,
        readyTimeoutMs: SCENARIO_LIMITS.readyTimeoutMs,
        exitTimeoutMs: SCENARIO_LIMITS.exitTimeoutMs,
      });
      if (started.ok) return { ok: true, driver: started.driver };
      const stderr = started.error.stderr.trim();
      const message = stderr === "" ? started.error.message : `${started.error.message}: ${stderr}`;
      return { ok: false, error: { kind: started.error.kind, message } };
    },
  };
}

export interface OpenedImplementation {
  factory: ProcessFactory;
  /** Releases what opening took (a Codex run's network bridges); the processes are the run's to exit. */
  close(): Promise<void>;
}

const NOTHING_TO_CLOSE = async (): Promise<void> => undefined;

/**
 * The chosen implementation as a `ProcessFactory`; null when a Codex release cannot be had (already reported
 * on stderr). A module that cannot be imported or exports the wrong shape is a UsageError naming its file:
 * it is imported here once to learn its variant, and again by each driver process.
 */
export async function openImplementation(
  choice: ImplementationChoice,
  context: { commandName: string; json: boolean },
): Promise<OpenedImplementation | null> {
  if ("variant" in choice)
    return { factory: referenceImplementation(choice.variant), close: NOTHING_TO_CLOSE };
  if ("command" in choice) {
    const factory = driverProgramImplementation(`cmd:${choice.command.join(" ")}`, null, choice.command);
    return { factory, close: NOTHING_TO_CLOSE };
  }
  if ("mutant" in choice) {
    const command = [process.execPath, defaultDriverScript(), "--mutant", choice.mutant];
    const factory = driverProgramImplementation(
      `mutant:${choice.mutant}`,
      MUTANTS[choice.mutant].base,
      command,
    );
    return { factory, close: NOTHING_TO_CLOSE };
  }
  if ("modulePath" in choice) {
    const loaded = await loadModuleImplementation(choice.modulePath);
    if (!loaded.ok) throw new UsageError(`--impl module: ${loaded.message}`);
    const command = [process.execPath, defaultDriverScript(), "--module", choice.modulePath];
    const factory = driverProgramImplementation(
      loaded.implementation.name,
      loaded.implementation.variant,
      command,
    );
    return { factory, close: NOTHING_TO_CLOSE };
  }
  const prepared = await openCodexChoice(context.commandName, choice, context.json);
  if (!prepared.ok) return null;
  const { implementation } = prepared;
  return { factory: implementation, close: () => implementation.close() };
}
