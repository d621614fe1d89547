/**
 * The designs authrace knows: the built-in records, and any registered at run time (a test's throwaway
 * design, or one read from a file). Everything that needs a design looks it up here by name; mutants are
 * found through the design that lists them.
 *
 * A design registered in one process reaches the driver processes it starts through the environment
 * (DESIGNS_ENVIRONMENT_VARIABLE, set by impl/driver/client.ts and read by the driver at start), so a record
 * defined in one file runs everywhere with no edit anywhere else.
 */
import { flocked } from "./flocked.js";
import { guarded } from "./guarded.js";
import { legacy } from "./legacy.js";
import { locked } from "./locked.js";
import { persistLocked } from "./persist-locked.js";
import type { Design, DesignRules, MutantRecord } from "./types.js";

export type { Design, DesignRules, MutantRecord } from "./types.js";

const BUILT_IN: readonly Design[] = [legacy, guarded, persistLocked, locked, flocked];

/** The built-in designs' names, in the order tables list them. */
export const VARIANTS: readonly string[] = BUILT_IN.map((design) => design.name);

const registered = new Map<string, Design>();

/** Every known design: built-in first, then registered ones in registration order. */
export function allDesigns(): Design[] {
  return [...BUILT_IN, ...registered.values()];
}

export function builtInDesigns(): readonly Design[] {
  return BUILT_IN;
}

export function designNamed(name: string): Design | undefined {
  return BUILT_IN.find((design) => design.name === name) ?? registered.get(name);
}

/** The design named `name`; an unknown name is a RangeError naming `field` and the known names. */
export function requireDesign(name: string, field = "variant"): Design {
  const design = designNamed(name);
  if (design) return design;
  const known = allDesigns()
    .map((entry) => entry.name)
    .join(", ");
  throw new RangeError(`${field}: unknown design '${name}' (known: ${known})`);
}

export function isVariant(name: string): boolean {
  return designNamed(name) !== undefined;
}

/**
 * Makes a design known in this process (and in the driver processes it starts). Its name must be new, and
 * its mutants' names unused by any other design.
 */
export function registerDesign(design: Design): Design {
  const existing = designNamed(design.name);
  if (existing !== undefined) {
    if (JSON.stringify(existing) === JSON.stringify(design)) return existing;
    throw new RangeError(`design '${design.name}' is already defined differently`);
  }
  for (const mutant of design.mutants) {
    const owner = mutantOwner(mutant.name);
    if (owner)
      throw new RangeError(`design '${design.name}': mutant '${mutant.name}' is already ${owner.name}'s`);
  }
  registered.set(design.name, design);
  return design;
}

/** The registered (not built-in) designs as JSON, for the environment of a child process; "" when none. */
export function serializeDesigns(): string {
  return registered.size === 0 ? "" : JSON.stringify([...registered.values()]);
}

/** Registers the designs a parent process passed (serializeDesigns); `source` names where the text came from. */
export function registerSerializedDesigns(text: string, source: string): void {
  if (text.trim() === "") return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RangeError(`${source}: not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new RangeError(`${source}: expected a JSON array of design records`);
  for (const [index, record] of parsed.entries()) {
    if (typeof record !== "object" || record === null || typeof record.name !== "string") {
      throw new RangeError(`${source}[${index}]: not a design record (no name)`);
    }
    registerDesign(record as Design);
  }
}

/** The environment variable that carries registered designs to driver processes. */
export const DESIGNS_ENVIRONMENT_VARIABLE = "AUTHRACE_DESIGNS";

function mutantOwner(name: string): Design | undefined {
  return allDesigns().find((design) => design.mutants.some((mutant) => mutant.name === name));
}

/** A mutant and the design it breaks. */
export interface MutantOf {
  mutant: MutantRecord;
  base: Design;
}

export function mutantNamed(name: string): MutantOf | undefined {
  const base = mutantOwner(name);
  const mutant = base?.mutants.find((entry) => entry.name === name);
  return base && mutant ? { mutant, base } : undefined;
}

/** Every mutant of every known design, in design order. */
export function allMutants(): MutantOf[] {
  return allDesigns().flatMap((base) => base.mutants.map((mutant) => ({ mutant, base })));
}

export function isMutantName(name: string): boolean {
  return mutantNamed(name) !== undefined;
}

/** The rules a design runs with, with a mutant's broken rule applied. */
export function effectiveRules(design: Design, mutant?: MutantRecord): DesignRules {
  return mutant === undefined ? design.rules : { ...design.rules, ...mutant.rules };
}

/** A mutant's name; known names come from the designs' records. */
export type MutantName = string;

export function mutantNames(): string[] {
  return allMutants().map(({ mutant }) => mutant.name);
}

/** The mutant's record and its design; an unknown name is a programmer error here (validate first). */
export function requireMutant(name: string): MutantOf {
  const found = mutantNamed(name);
  if (!found) throw new RangeError(`unknown mutant '${name}' (known: ${mutantNames().join(", ")})`);
  return found;
}
