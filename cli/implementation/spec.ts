/**
 * The one grammar for choosing an implementation, for every command that takes `--variant` / `--impl`:
 *
 *   ref:<variant>    authrace's reference implementation in that design (`reference:<variant>`, the name
 *                    reports print, parses back to it)
 *   mutant:<name>    the reference with one rule of a design broken (model/mutants.ts); it claims its base
 *                    design
 *   module:<path>    a module exporting impl/plugin's interface; it claims the variant it exports
 *   cmd:<program>    a program speaking the driver protocol (docs/driver-protocol.md)
 *   codex:<version>  a real Codex release's `codex app-server` (fetched with npm, cached)
 *   codex:<path>     a Codex binary on disk (a local build), judged by --variant's design or none
 *
 * Commands differ only in the kinds they take and in one rule. On real processes (scenario, stress) a cmd:
 * program is not told a variant. Through held ports (conform, replay, interleave) it cannot be asked which
 * design it implements, so `--variant` names the model it claims, and codex: is refused.
 *
 * Pure. Every mistake is a UsageError whose message starts with the flag it is about: `--impl: ...` when the
 * whole spec is at fault, `--impl '<spec>': ...` when a part of it is, `--variant: ...`, or
 * `--variant <v> and --impl '<spec>' ...` when the two do not go together. Opening a choice is open.ts.
 */
import { resolve } from "node:path";
import type { SubjectChoice } from "../../conform/subject-choice.js";
import {
  allDesigns,
  isMutantName,
  isVariant,
  type MutantName,
  mutantNames,
  requireMutant,
} from "../../model/designs/index.js";
import type { Variant } from "../../model/vocabulary.js";
import { REFERENCE_IMPLEMENTATION_PREFIX } from "../../scenarios/index.js";
import { type CodexChoice, parseCodexSpec } from "../codex-target.js";
import { UsageError } from "../command.js";

export const SPEC_KINDS = ["ref", "codex", "cmd", "module", "mutant"] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];

/** How each kind is written, for messages and usage texts. */
const SPEC_FORMS: Readonly<Record<SpecKind, string>> = {
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

/** The kinds driven step by step through held ports (conform, replay, interleave). */
const SUBJECT_SPEC_KINDS = ["ref", "mutant", "module", "cmd"] as const satisfies readonly SpecKind[];

/** Why `codex:` is not taken through held ports, and where it is checked instead. */
const CODEX_REFUSED =
  "the Codex binary does its own I/O, so its port calls cannot be held one by one; " +
  "it is checked on real processes by `authrace scenario` and `authrace stress`";

/**
 * What to run: the reference in a variant, a mutant, a plugin module, a driver program, a Codex release or a
 * Codex binary on disk.
 */
export type ImplementationChoice =
  | { variant: Variant }
  | { mutant: MutantName }
  | { modulePath: string }
  | { command: readonly string[] }
  | CodexChoice;

/** `ref:<variant> or codex:<version>`; `a, b, c or d` for more. */
export function describeSpecKinds(kinds: readonly SpecKind[]): string {
  const forms = kinds.map((kind) => SPEC_FORMS[kind]);
  const last = forms.pop();
  return forms.length === 0 ? (last ?? "") : `${forms.join(", ")} or ${last}`;
}

/** The `--impl` line of the held-port commands' usage texts. */
export const SUBJECT_SPEC_FORMS = describeSpecKinds(SUBJECT_SPEC_KINDS);

/**
 * A design name, or null. The one place a design name is checked: the design registry will answer here.
 */
function designNamed(name: string): Variant | null {
  return isVariant(name) ? name : null;
}

/** The known design names, for messages. */
function knownDesigns(): string {
  return allDesigns()
    .map((design) => design.name)
    .join(", ");
}

function variantFlag(text: string): Variant {
  const design = designNamed(text);
  if (design === null)
    throw new UsageError(`--variant: unknown variant '${text}' (known: ${knownDesigns()})`);
  return design;
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

/** The part after the prefix, parsed for its kind. */
function parseRest(spec: string, kind: SpecKind, rest: string): ImplementationChoice {
  switch (kind) {
    case "ref": {
      const variant = designNamed(rest);
      if (variant === null) {
        throw new UsageError(`--impl '${spec}': unknown variant '${rest}' (known: ${knownDesigns()})`);
      }
      return { variant };
    }
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
          `--impl '${spec}': unknown mutant '${rest}' (known: ${mutantNames().join(", ")})`,
        );
      }
      return { mutant: rest };
  }
}

/**
 * Pure: a spec of one of the `accepted` kinds; anything else is a UsageError naming the spec. `refused` says
 * why a kind is not taken, where there is more to say than the accepted list.
 */
export function parseImplementationSpec(
  spec: string,
  accepted: readonly SpecKind[] = SPEC_KINDS,
  refused: Partial<Record<SpecKind, string>> = {},
): ImplementationChoice {
  const split = splitSpec(spec);
  if (split === null) {
    throw new UsageError(
      `--impl: unknown implementation '${spec}' (expected ${describeSpecKinds(accepted)})`,
    );
  }
  const { kind, rest } = split;
  if (!accepted.includes(kind)) {
    const why = refused[kind];
    throw new UsageError(
      why === undefined
        ? `--impl '${spec}': not taken here (expected ${describeSpecKinds(accepted)})`
        : `--impl '${spec}': not taken here: ${why}`,
    );
  }
  return parseRest(spec, kind, rest);
}

/**
 * `--variant` next to an `--impl` that names its own design: a `ref:` must agree with it, every other kind
 * claims its own (a Codex release mirrors one, a module exports one, a mutant has a base), so it is refused.
 * cmd: and codex:<path> (a local build, whose design only the caller knows) are the caller's rule.
 */
function checkVariantBeside(variant: Variant, spec: string, chosen: ImplementationChoice): void {
  const both = `--variant ${variant} and --impl '${spec}'`;
  if ("codexVersion" in chosen) throw new UsageError(`${both}: a Codex release mirrors its own variant`);
  if ("modulePath" in chosen) throw new UsageError(`${both}: a module exports its own variant`);
  if ("mutant" in chosen) throw new UsageError(`${both}: a mutant claims its base design`);
  if ("variant" in chosen && chosen.variant !== variant) throw new UsageError(`${both} disagree`);
}

function required(kinds: readonly SpecKind[]): UsageError {
  const forms = kinds.map((kind) => SPEC_FORMS[kind]).join(" | ");
  return new UsageError(`--variant is required (${knownDesigns()}), or --impl ${forms}`);
}

interface ChoiceFlags {
  variant?: string | undefined;
  impl?: string | undefined;
}

/**
 * Flags to a choice, for real processes (scenario, stress): `--variant <v>` alone is `--impl ref:<v>`; next
 * to a `ref:` spec it must agree; next to `codex:<path>` it names the design the local binary is judged by;
 * next to any other kind it is refused (a cmd: program is not told a variant; `authrace stress
 * --expect-stale-sends` says what to expect of it).
 */
export function resolveImplementation(
  values: ChoiceFlags,
  accepted: readonly SpecKind[] = SPEC_KINDS,
): ImplementationChoice {
  const variant = values.variant === undefined ? undefined : variantFlag(values.variant);
  if (values.impl === undefined) {
    if (variant === undefined) throw required(accepted);
    return { variant };
  }
  const chosen = parseImplementationSpec(values.impl, accepted);
  if (variant === undefined) return chosen;
  if ("codexPath" in chosen) return { ...chosen, design: variant };
  if ("command" in chosen) {
    throw new UsageError(
      `--variant ${variant} and --impl '${values.impl}': ` +
        "a cmd: program is not told a variant (see --expect-stale-sends)",
    );
  }
  checkVariantBeside(variant, values.impl, chosen);
  return chosen;
}

/**
 * Flags to a choice, for held ports (conform, replay, interleave): `--variant v` alone is `ref:v`; next to
 * `ref:` it must agree; next to `cmd:` it is required (the model the program claims); next to `mutant:` or
 * `module:` it is refused (each claims its own); codex: is refused. Without either flag the `fallback` is
 * taken (replay: the trace's own design); without one, a UsageError.
 */
export function resolveSubjectChoice(
  values: ChoiceFlags,
  fallback: SubjectChoice | null = null,
): SubjectChoice {
  const { impl } = values;
  const variant = values.variant === undefined ? undefined : variantFlag(values.variant);
  if (impl === undefined) {
    if (variant !== undefined) return { variant };
    if (fallback !== null) return fallback;
    throw required(SUBJECT_SPEC_KINDS);
  }
  const chosen = parseImplementationSpec(impl, SUBJECT_SPEC_KINDS, { codex: CODEX_REFUSED });
  if ("codexVersion" in chosen || "codexPath" in chosen) throw new Error("codex: passed a held-port parse"); // refused above
  if ("command" in chosen) {
    if (variant === undefined) {
      throw new UsageError(
        `--impl '${impl}': a cmd: program cannot be asked which design it implements; ` +
          `name the model it claims with --variant (${knownDesigns()})`,
      );
    }
    return { command: chosen.command, variant };
  }
  if (variant !== undefined) checkVariantBeside(variant, impl, chosen);
  return chosen;
}

/** The spec a held-port choice is written as (`ref:locked`, `cmd:node x.js (claims locked)`), for reports. */
export function describeSubjectChoice(choice: SubjectChoice): string {
  if ("command" in choice) return `cmd:${choice.command.join(" ")} (claims ${choice.variant})`;
  if ("mutant" in choice) return `mutant:${choice.mutant} (base ${requireMutant(choice.mutant).base.name})`;
  if ("modulePath" in choice) return `module:${choice.modulePath}`;
  return `ref:${choice.variant}`;
}
