/**
 * The model's own verdict on one configuration, for the places that set an expectation for a real run
 * (scenarios, stress, interleaving checks, mutant kills): they ask the model instead of keeping a hand list.
 * Each configuration is explored once per process and remembered.
 */
import { configName, type ModelConfig } from "../model/config.js";
import type { InvariantName } from "../model/vocabulary.js";
import { explore } from "./explorer.js";

/** Configurations asked about here are small; a larger one is a programmer error, not a slow run. */
const VERDICT_STATES_MAX = 2_000_000;

interface ModelVerdict {
  /** The configuration's name (model/config.ts configName). */
  config: string;
  /** Per violated safety or progress invariant, the length of its shortest counterexample. */
  violated: ReadonlyMap<InvariantName, number>;
  states: number;
}

const remembered = new Map<string, ModelVerdict>();

function modelVerdict(config: ModelConfig): ModelVerdict {
  const name = configName(config);
  const known = remembered.get(name);
  if (known) return known;
  const exploration = explore(config, { limits: { statesMax: VERDICT_STATES_MAX } });
  const violated = new Map<InvariantName, number>();
  for (const [invariant, violation] of exploration.violations) violated.set(invariant, violation.length);
  const verdict = { config: name, violated, states: exploration.states };
  remembered.set(name, verdict);
  return verdict;
}

/** Does the model say `invariant` holds in `config`? */
export function modelHolds(config: ModelConfig, invariant: InvariantName): boolean {
  return !modelVerdict(config).violated.has(invariant);
}

/** `holds` or `violated in n steps`, for the lines that print an expectation's source. */
export function describeVerdict(config: ModelConfig, invariant: InvariantName): string {
  const length = modelVerdict(config).violated.get(invariant);
  const where = `the model of ${configName(config)}`;
  return length === undefined
    ? `${invariant} holds in ${where}`
    : `${where} breaks ${invariant} in ${length} steps`;
}
