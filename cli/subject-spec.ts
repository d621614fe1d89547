/**
 * `--variant` / `--impl` for the commands that drive an implementation step by step through held ports
 * (`authrace conform`, `authrace replay`): one resolution from flags to a choice (pure, every mistake a
 * UsageError) and one way to open the choice as a conformance Subject. The spec grammar is cli/impl-spec.ts's;
 * only the accepted kinds and the variant rules differ:
 *
 *   ref:<variant>    authrace's AuthManager in that variant, in this Node process
 *   mutant:<name>    the same with one rule broken; it claims its base design
 *   module:<path>    a module exporting impl/plugin's interface; it claims the variant it exports
 *   cmd:<command>    a program in the driver protocol's held mode; it cannot be asked which design it
 *                    implements, so `--variant` must name the model it claims
 *
 * `codex:` is refused: the Codex binary does its own I/O, so its port calls cannot be held one by one.
 */

import type { Subject } from "../conform/subject.js";
import { openSubjectChoice, type SubjectChoice } from "../conform/subject-choice.js";
import { MUTANTS } from "../model/mutants.js";
import { isVariant, VARIANTS, type Variant } from "../model/vocabulary.js";
import { UsageError } from "./command.js";
import { describeSpecKinds, parseImplementationSpec, type SpecKind } from "./impl-spec.js";

export const SUBJECT_SPEC_KINDS = ["ref", "mutant", "module", "cmd"] as const satisfies readonly SpecKind[];

/** The `--impl` line of a usage text. */
export const SUBJECT_SPEC_FORMS = describeSpecKinds(SUBJECT_SPEC_KINDS);

/** Why `codex:` is not taken here, and where it is checked instead. */
export const CODEX_REFUSED =
  "the Codex binary does its own I/O, so its port calls cannot be held one by one; " +
  "it is checked on real processes by `authrace scenario` and `authrace stress`";

/** What to drive step by step (plain data: conform/subject-choice.ts). */
export type { SubjectChoice } from "../conform/subject-choice.js";

function variantOf(text: string): Variant {
  if (!isVariant(text))
    throw new UsageError(`--variant: unknown variant '${text}' (known: ${VARIANTS.join(", ")})`);
  return text;
}

/**
 * Pure: flags to a choice. `--variant v` alone is `ref:v`; next to `ref:` it must agree; next to `cmd:` it is
 * required (the model the program claims); next to `mutant:` or `module:` it is refused (each claims its own).
 * Without either flag the `fallback` is taken (replay: the trace's own design); without one, a UsageError.
 */
export function resolveSubjectChoice(
  values: { variant?: string | undefined; impl?: string | undefined },
  fallback: SubjectChoice | null = null,
): SubjectChoice {
  const { impl } = values;
  const variant = values.variant === undefined ? undefined : variantOf(values.variant);
  if (impl === undefined) {
    if (variant !== undefined) return { variant };
    if (fallback !== null) return fallback;
    throw new UsageError(`--variant (${VARIANTS.join(", ")}) or --impl ${SUBJECT_SPEC_FORMS} is required`);
  }
  if (impl.startsWith("codex:")) throw new UsageError(`--impl '${impl}': not taken here: ${CODEX_REFUSED}`);
  const chosen = parseImplementationSpec(impl, SUBJECT_SPEC_KINDS);
  if ("command" in chosen) {
    if (variant === undefined) {
      throw new UsageError(
        `--impl '${impl}': a cmd: program cannot be asked which design it implements; ` +
          `name the model it claims with --variant (${VARIANTS.join(", ")})`,
      );
    }
    return { command: chosen.command, variant };
  }
  if ("codexVersion" in chosen || "codexPath" in chosen)
    throw new UsageError(`--impl '${impl}': not taken here: ${CODEX_REFUSED}`); // for the type
  if (variant === undefined) return chosen;
  if ("mutant" in chosen)
    throw new UsageError(`--variant and --impl '${impl}': a mutant claims its base design`);
  if ("modulePath" in chosen)
    throw new UsageError(`--variant and --impl '${impl}': a module exports its own variant`);
  if (chosen.variant !== variant) throw new UsageError(`--variant ${variant} and --impl '${impl}' disagree`);
  return chosen;
}

/** The spec a choice is written as (`ref:locked`, `cmd:node x.js`), for reports. */
export function describeSubjectChoice(choice: SubjectChoice): string {
  if ("command" in choice) return `cmd:${choice.command.join(" ")} (claims ${choice.variant})`;
  if ("mutant" in choice) return `mutant:${choice.mutant} (base ${MUTANTS[choice.mutant].base})`;
  if ("modulePath" in choice) return `module:${choice.modulePath}`;
  return `ref:${choice.variant}`;
}

export type OpenedSubject = { ok: true; subject: Subject } | { ok: false; message: string };

/**
 * The choice as a Subject. A module that cannot be imported or exports the wrong shape is a UsageError
 * naming its file; a cmd: program that cannot be set up is an operating error (`ok: false`).
 */
export async function openSubject(choice: SubjectChoice): Promise<OpenedSubject> {
  const opened = await openSubjectChoice(choice);
  if (opened.ok) return opened;
  if (opened.kind === "module") throw new UsageError(`--impl module: ${opened.message}`);
  return { ok: false, message: opened.message };
}
