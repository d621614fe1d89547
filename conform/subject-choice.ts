/**
 * A subject as plain data, so a worker thread can open the same implementation: the reference in one
 * variant, a mutant, a plugin module, or a program in the driver protocol's held mode (which cannot be asked
 * which design it implements, so the choice names the model it claims).
 */
import {
  loadModuleImplementation,
  mutantImplementation,
  referenceAuthImplementation,
} from "../impl/plugin/index.js";
import type { MutantName } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { remoteSubject } from "./remote-subject.js";
import { inProcessSubject, type Subject } from "./subject.js";

export type SubjectChoice =
  | { variant: Variant }
  | { mutant: MutantName }
  | { modulePath: string }
  | { command: readonly string[]; variant: Variant };

export type OpenedSubject =
  | { ok: true; subject: Subject }
  | { ok: false; kind: "module" | "command"; message: string };

export async function openSubjectChoice(choice: SubjectChoice): Promise<OpenedSubject> {
  if ("command" in choice) {
    try {
      return { ok: true, subject: remoteSubject(choice.command, choice.variant) };
    } catch (error) {
      return { ok: false, kind: "command", message: (error as Error).message };
    }
  }
  if ("mutant" in choice) return { ok: true, subject: inProcessSubject(mutantImplementation(choice.mutant)) };
  if ("modulePath" in choice) {
    const loaded = await loadModuleImplementation(choice.modulePath);
    if (!loaded.ok) return { ok: false, kind: "module", message: loaded.message };
    return { ok: true, subject: inProcessSubject(loaded.implementation) };
  }
  return { ok: true, subject: inProcessSubject(referenceAuthImplementation(choice.variant)) };
}
