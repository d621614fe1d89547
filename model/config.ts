/**
 * A model configuration: how many processes, which design, which faults, which server.
 * The machine, the explorer and the theorems are all built from one of these.
 */
import {
  type Design,
  type DesignRules,
  effectiveRules,
  mutantNamed,
  requireDesign,
} from "./designs/index.js";
import { CALL_EVENTS, type CallEvent, FAULTS, type Fault, faultSpec, type Variant } from "./vocabulary.js";

export interface ServerOptions {
  /** On a reused refresh token, revoke the whole token family (Auth0, Okta, RFC 9700 s.4.14.2). */
  revokeFamilyOnReuse: boolean;
  /** Accept the immediately previous refresh token once more, answering with the current one. */
  graceWindow: boolean;
  /**
   * The API checks an access token's `exp` only (a stateless JWT check): an access token stays valid after its
   * refresh token is rotated out or its family revoked. Off: only the family's current, unexpired token is.
   */
  apiChecksExpiryOnly: boolean;
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
  /** A broken variant of `variant` kept on purpose (its design's `mutants`); absent for the design itself. */
  mutant?: string;
  /** The design's record (model/designs/), looked up once. */
  design: Design;
  /** The rules the table is built from: the design's, with the mutant's broken rule applied. */
  rules: DesignRules;
}

export const PROCESSES_MIN = 1;
export const PROCESSES_MAX = 8;
export const FAULTS_MAX_LIMIT = 3;

export function writesInPlace(rules: DesignRules): boolean {
  return rules.writeMode === "in-place";
}

export function usesFileLock(rules: DesignRules): boolean {
  return rules.lockScope !== "none";
}

/**
 * A lock that is reclaimed by its age (mkdir): a crashed holder's stays until it goes stale, and a stalled
 * live holder's can be taken from it. A kernel lock (flock) is freed when its holder dies and never else.
 */
export function lockIsReclaimable(rules: DesignRules): boolean {
  return usesFileLock(rules) && rules.lockKind === "mkdir";
}

/** Why a fault cannot apply to a design with these rules, or null when it can (vocabulary.ts FAULT_LIST). */
export function faultObstacle(fault: Fault, rules: DesignRules): string | null {
  const { requires } = faultSpec(fault);
  if (requires === "in-place-write" && !writesInPlace(rules)) return "needs an in-place writer";
  if (requires === "reclaimable-lock" && !lockIsReclaimable(rules)) return "needs a lock reclaimed by age";
  return null;
}

/** Every fault that applies to a design with these rules, in FAULTS order. */
export function applicableFaults(rules: DesignRules): Fault[] {
  return FAULTS.filter((fault) => faultObstacle(fault, rules) === null);
}

export interface ConfigInput {
  processes?: number;
  /** A known design's name (model/designs/index.ts). */
  variant: string;
  faults?: readonly string[];
  server?: Partial<ServerOptions>;
  faultsMax?: number;
  calls?: readonly string[];
  overlap?: boolean;
  mutant?: string;
  /**
   * Whether another process's login or logout takes the design's lock, when that is not known of the release
   * the design mirrors (0.171): the design's own rule unless given.
   */
  loginTakesLock?: boolean;
}

/** The mutant named by `input`, checked against the design it must break; undefined for none. */
function mutantOf(input: ConfigInput, design: Design) {
  const name = input.mutant;
  if (name === undefined) return undefined;
  const found = mutantNamed(name);
  if (!found) throw new RangeError(`config.mutant: unknown mutant '${name}'`);
  if (found.base.name !== design.name) {
    throw new RangeError(
      `config.mutant: '${name}' is a mutant of '${found.base.name}', not of '${design.name}'`,
    );
  }
  return found.mutant;
}

/** Validates a configuration; errors name the field. */
export function makeConfig(input: ConfigInput): ModelConfig {
  const design = requireDesign(input.variant, "config.variant");
  const processes = input.processes ?? 2;
  if (!Number.isInteger(processes) || processes < PROCESSES_MIN || processes > PROCESSES_MAX) {
    throw new RangeError(
      `config.processes: ${processes} is not an integer in [${PROCESSES_MIN}, ${PROCESSES_MAX}]`,
    );
  }
  const mutant = mutantOf(input, design);
  let rules = effectiveRules(design, mutant);
  if (input.loginTakesLock !== undefined) {
    if (!usesFileLock(rules)) {
      throw new RangeError(`config.loginTakesLock: '${design.name}' has no cross-process lock to take`);
    }
    rules = { ...rules, loginTakesLock: input.loginTakesLock };
  }
  const faultsMax = input.faultsMax ?? 1;
  if (!Number.isInteger(faultsMax) || faultsMax < 1 || faultsMax > FAULTS_MAX_LIMIT) {
    throw new RangeError(`config.faultsMax: ${faultsMax} is not an integer in [1, ${FAULTS_MAX_LIMIT}]`);
  }
  const faults: Fault[] = [];
  for (const fault of input.faults ?? []) {
    if (!(FAULTS as readonly string[]).includes(fault)) {
      throw new RangeError(`config.faults: unknown fault '${fault}' (known: ${FAULTS.join(", ")})`);
    }
    const obstacle = faultObstacle(fault as Fault, rules);
    if (obstacle !== null) {
      throw new RangeError(`config.faults: '${fault}' ${obstacle}, which '${input.variant}' is not`);
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
    variant: design.name,
    design,
    rules,
    faults,
    faultsMax,
    server: { revokeFamilyOnReuse: false, graceWindow: false, apiChecksExpiryOnly: false, ...input.server },
    ...(mutant === undefined ? {} : { mutant: mutant.name }),
  };
}

/** A short stable name, e.g. `locked/N3/crash+login/grace`, `locked/N2/none/mutant:save-in-place`. */
export function configName(config: ModelConfig): string {
  const faults = config.faults.length === 0 ? "none" : config.faults.join("+");
  const server = [
    config.server.revokeFamilyOnReuse ? "revoke" : "",
    config.server.graceWindow ? "grace" : "",
    config.server.apiChecksExpiryOnly ? "expiry-only-api" : "",
  ]
    .filter(Boolean)
    .join("+");
  const budget = config.faultsMax === 1 ? "" : `/x${config.faultsMax}`;
  const calls =
    config.calls.length === CALL_EVENTS.length
      ? ""
      : `/${config.calls.map((call) => call.slice(4).toLowerCase()).join("+")}`;
  const overlap = config.overlap ? "" : "/sequential";
  const mutant = config.mutant === undefined ? "" : `/mutant:${config.mutant}`;
  const loginLock =
    config.rules.loginTakesLock === config.design.rules.loginTakesLock
      ? ""
      : `/login-lock-${config.rules.loginTakesLock ? "on" : "off"}`;
  return `${config.variant}/N${config.processes}/${faults}${server ? `/${server}` : ""}${calls}${overlap}${budget}${mutant}${loginLock}`;
}

/**
 * The configuration as data (JSON): the design is named by `variant`, its record is not repeated; a rule the
 * configuration sets against the design (`loginTakesLock`) is kept.
 */
export function configJson(
  config: ModelConfig,
): Omit<ModelConfig, "design" | "rules"> & { loginTakesLock?: boolean } {
  const { design, rules, ...rest } = config;
  return rules.loginTakesLock === design.rules.loginTakesLock
    ? rest
    : { ...rest, loginTakesLock: rules.loginTakesLock };
}
