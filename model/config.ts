/**
 * A model configuration: how many processes, which design, which faults, which server.
 * The machine, the explorer and the theorems are all built from one of these.
 */
import { isMutantName, MUTANT_NAMES, MUTANTS, type MutantName } from "./mutants.js";
import { CALL_EVENTS, type CallEvent, FAULTS, type Fault, isVariant, type Variant } from "./vocabulary.js";

export interface ServerOptions {
  /** On a reused refresh token, revoke the whole token family (Auth0, Okta, RFC 9700 s.4.14.2). */
  revokeFamilyOnReuse: boolean;
  /** Accept the immediately previous refresh token once more, answering with the current one. */
  graceWindow: boolean;
}

export interface ModelConfig {
  processes: number;
  variant: Variant;
  faults: readonly Fault[];
  server: ServerOptions;
  /** How often each switched-on fault may happen in one run (keeps fault runs finite and readable). */
  faultsMax: number;
  /** Which calls callers make (all three by default; one alone isolates a path, e.g. 401 recovery). */
  calls: readonly CallEvent[];
  /**
   * May a call start while another process is inside one? `false` is the seed's story: each call runs to
   * completion before the next process is asked.
   */
  overlap: boolean;
  /** A broken variant of `variant` kept on purpose (model/mutants.ts); absent for the design itself. */
  mutant?: MutantName;
}

export const PROCESSES_MIN = 1;
export const PROCESSES_MAX = 6;
export const FAULTS_MAX_LIMIT = 3;

/** Faults that only make sense for some designs. */
const IN_PLACE_WRITERS: readonly Variant[] = ["legacy", "guarded"];
const LOCK_USERS: readonly Variant[] = ["persist-locked", "locked"];

export function writesInPlace(variant: Variant): boolean {
  return IN_PLACE_WRITERS.includes(variant);
}

export function usesFileLock(variant: Variant): boolean {
  return LOCK_USERS.includes(variant);
}

export interface ConfigInput {
  processes?: number;
  variant: string;
  faults?: readonly string[];
  server?: Partial<ServerOptions>;
  faultsMax?: number;
  calls?: readonly string[];
  overlap?: boolean;
  mutant?: string;
}

/** The mutant named by `input`, checked against the variant it must break; undefined for none. */
function mutantOf(input: ConfigInput, variant: Variant): MutantName | undefined {
  const name = input.mutant;
  if (name === undefined) return undefined;
  if (!isMutantName(name)) {
    throw new RangeError(`config.mutant: unknown mutant '${name}' (known: ${MUTANT_NAMES.join(", ")})`);
  }
  const { base } = MUTANTS[name];
  if (base !== variant) {
    throw new RangeError(`config.mutant: '${name}' is a mutant of '${base}', not of '${variant}'`);
  }
  return name;
}

/** Validates a configuration; errors name the field. */
export function makeConfig(input: ConfigInput): ModelConfig {
  if (!isVariant(input.variant)) throw new RangeError(`config.variant: unknown variant '${input.variant}'`);
  const processes = input.processes ?? 2;
  if (!Number.isInteger(processes) || processes < PROCESSES_MIN || processes > PROCESSES_MAX) {
    throw new RangeError(
      `config.processes: ${processes} is not an integer in [${PROCESSES_MIN}, ${PROCESSES_MAX}]`,
    );
  }
  const mutant = mutantOf(input, input.variant);
  const inPlace = writesInPlace(input.variant) || (mutant !== undefined && MUTANTS[mutant].writesInPlace);
  const faultsMax = input.faultsMax ?? 1;
  if (!Number.isInteger(faultsMax) || faultsMax < 1 || faultsMax > FAULTS_MAX_LIMIT) {
    throw new RangeError(`config.faultsMax: ${faultsMax} is not an integer in [1, ${FAULTS_MAX_LIMIT}]`);
  }
  const faults: Fault[] = [];
  for (const fault of input.faults ?? []) {
    if (!(FAULTS as readonly string[]).includes(fault)) {
      throw new RangeError(`config.faults: unknown fault '${fault}' (known: ${FAULTS.join(", ")})`);
    }
    if (fault === "tornWrite" && !inPlace) {
      throw new RangeError(`config.faults: 'tornWrite' needs an in-place writer, not '${input.variant}'`);
    }
    if (fault === "stall" && !usesFileLock(input.variant)) {
      throw new RangeError(
        `config.faults: 'stall' needs a file lock, which '${input.variant}' does not take`,
      );
    }
    if (!faults.includes(fault as Fault)) faults.push(fault as Fault);
  }
  faults.sort((left, right) => FAULTS.indexOf(left) - FAULTS.indexOf(right));
  const calls = input.calls ?? CALL_EVENTS;
  for (const call of calls) {
    if (!(CALL_EVENTS as readonly string[]).includes(call)) {
      throw new RangeError(`config.calls: unknown call '${call}' (known: ${CALL_EVENTS.join(", ")})`);
    }
  }
  if (calls.length === 0) throw new RangeError("config.calls: at least one call is needed");
  return {
    calls: CALL_EVENTS.filter((call) => calls.includes(call)),
    overlap: input.overlap ?? true,
    processes,
    variant: input.variant,
    faults,
    faultsMax,
    server: { revokeFamilyOnReuse: false, graceWindow: false, ...input.server },
    ...(mutant === undefined ? {} : { mutant }),
  };
}

/** A short stable name, e.g. `locked/N3/crash+login/grace`, `locked/N2/none/mutant:save-in-place`. */
export function configName(config: ModelConfig): string {
  const faults = config.faults.length === 0 ? "none" : config.faults.join("+");
  const server = [config.server.revokeFamilyOnReuse ? "revoke" : "", config.server.graceWindow ? "grace" : ""]
    .filter(Boolean)
    .join("+");
  const budget = config.faultsMax === 1 ? "" : `/x${config.faultsMax}`;
  const calls =
    config.calls.length === CALL_EVENTS.length
      ? ""
      : `/${config.calls.map((call) => call.slice(4).toLowerCase()).join("+")}`;
  const overlap = config.overlap ? "" : "/sequential";
  const mutant = config.mutant === undefined ? "" : `/mutant:${config.mutant}`;
  return `${config.variant}/N${config.processes}/${faults}${server ? `/${server}` : ""}${calls}${overlap}${budget}${mutant}`;
}

export function hasFault(config: ModelConfig, fault: Fault): boolean {
  return config.faults.includes(fault);
}
