/**
 * The rules the reference implementation follows: those of a design record (model/designs/), with a
 * mutant's one broken rule applied. The flows read these rules; nothing branches on a design's or a mutant's
 * name. Step orders: docs/protocol.md; mutants: docs/mutation.md.
 */
import { type DesignRules, effectiveRules, mutantNamed, requireDesign } from "../../model/designs/index.js";

export type { DesignRules, StalenessRule, WriteMode } from "../../model/designs/types.js";
export { INTACT_RULES } from "../../model/designs/types.js";

export interface VariantRules extends DesignRules {
  /** The design's name. */
  variant: string;
  /** The Codex versions (or proposal) it mirrors; for a mutant, what it breaks. */
  versions: string;
}

/** The rules of a design, or of one of its mutants; an unknown name or a mutant of another design throws. */
export function rulesFor(variant: string, mutant?: string): VariantRules {
  const design = requireDesign(variant, "options.variant");
  if (mutant === undefined) return { ...design.rules, variant, versions: design.mirrors };
  const found = mutantNamed(mutant);
  if (!found) throw new RangeError(`options.mutant: unknown mutant '${mutant}'`);
  if (found.base.name !== variant) {
    throw new RangeError(
      `options.mutant: '${mutant}' is a mutant of '${found.base.name}', not of '${variant}'`,
    );
  }
  return {
    ...effectiveRules(design, found.mutant),
    variant,
    versions: `mutant '${mutant}' of ${variant}: ${found.mutant.breaks}`,
  };
}
