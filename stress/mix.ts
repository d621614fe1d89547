/**
 * Mixed stress runs: processes of several implementations on one auth.json, as a user runs authrace's design
 * next to real Codex app-servers in one CODEX_HOME. Process P<k> runs member (k - 1) mod m, so
 * `--impl ref:locked --impl codex:0.171.0 --processes 4` is P1 locked, P2 Codex, P3 locked, P4 Codex.
 *
 * No single model judges a mix of designs (two designs need not exclude each other), so a mix is judged by
 * its members' common design when they share one, and otherwise expects anything: the run counts stale sends
 * per implementation (each process POSTs to a token URL naming it, stress/world.ts) instead of judging them.
 */
import type { Variant } from "../model/vocabulary.js";
import type { ProcessFactory, ScenarioOptions } from "../scenarios/index.js";
import { STRESS_LIMITS } from "./limits.js";
import { processLabel } from "./world.js";

type TakeBinaryFailures = NonNullable<ProcessFactory["takeBinaryFailures"]>;

/** A factory for a stress run, which may say which implementation each process runs. */
export interface StressFactory extends ProcessFactory {
  /** The implementation process `name` (P1, P2, ...) runs; absent: every process runs `name`. */
  implementationOf?(process: string): string;
}

/** The implementation a process of this factory runs. */
export function implementationOf(factory: StressFactory, process: string): string {
  return factory.implementationOf?.(process) ?? factory.name;
}

/** The members' shared variant; null when they mirror different designs (or none). */
function commonVariant(members: readonly ProcessFactory[]): Variant | null {
  const [first, ...rest] = members;
  if (first === undefined || first.variant === null) return null;
  return rest.every((member) => member.variant === first.variant) ? first.variant : null;
}

/**
 * The largest start gap any member asks for (Codex needs its app-servers started apart), and the longest
 * "stale after" fixture any member asks for (a Codex app-server would refresh a stale auth.json while it
 * starts, outside any call: stress/world.ts), so every member's processes start before R0 turns stale.
 */
function mixedOptions(members: readonly ProcessFactory[]): Partial<ScenarioOptions> {
  const gaps = members.map((member) => member.scenarioOptions?.startGapMs ?? 0);
  const startGapMs = Math.max(0, ...gaps);
  const stales = members.flatMap((member) => {
    const staleAfterMs = member.scenarioOptions?.staleAfterMs;
    return staleAfterMs === undefined || staleAfterMs === null ? [] : [staleAfterMs];
  });
  return {
    ...(startGapMs === 0 ? {} : { startGapMs }),
    ...(stales.length === 0 ? {} : { staleAfterMs: Math.max(...stales) }),
  };
}

/** Every member's crashes since the last call (scenarios/attempts.ts retries a run that had one). */
function takeMembersFailures(members: readonly ProcessFactory[]): ReturnType<TakeBinaryFailures> {
  return [...new Set(members)].flatMap((member) => member.takeBinaryFailures?.() ?? []);
}

/** One member: itself. Several: a factory spawning P<k> with member (k - 1) mod m. */
export function mixImplementations(members: readonly ProcessFactory[]): StressFactory {
  const [only] = members;
  if (only === undefined) throw new RangeError("mixImplementations: no implementation");
  if (members.length === 1) return only;
  const byProcess = new Map<string, ProcessFactory>();
  for (let index = 0; index < STRESS_LIMITS.processesMax; index += 1) {
    byProcess.set(processLabel(index), members[index % members.length] as ProcessFactory);
  }
  const memberOf = (process: string): ProcessFactory => {
    const member = byProcess.get(process);
    if (member === undefined) throw new RangeError(`mixed stress: no process named '${process}'`);
    return member;
  };
  return {
    name: members.map((member) => member.name).join(" + "),
    variant: commonVariant(members),
    scenarioOptions: mixedOptions(members),
    implementationOf: (process) => memberOf(process).name,
    spawn: (request) => memberOf(request.name).spawn(request),
    takeBinaryFailures: () => takeMembersFailures(members),
  };
}

/** True for a mix of implementations that mirror no one design: no model gives its expectation. */
export function isMixOfDesigns(factory: StressFactory): boolean {
  return factory.implementationOf !== undefined && factory.variant === null;
}
