/**
 * Killing the implementation mutants (model/mutants.ts): each runs as its base variant's implementation with
 * one rule broken, and must fail conformance to the base variant's model and a fast-check interleaving run.
 * Both checks are tried on every mutant, so the mutation table shows how fast each one kills.
 */
import { mutantImplementation } from "../impl/plugin/index.js";
import { configName, makeConfig } from "../model/config.js";
import { type MutantName, requireMutant } from "../model/designs/index.js";
import { modelHolds } from "../proofs/verdict.js";
import { conformanceConfigs } from "./configs.js";
import { checkInterleavings } from "./interleave/property.js";
import { inProcessSubject, type Subject } from "./subject.js";
import { conformConfig } from "./suite.js";

/** fast-check runs spent on one mutant before it is declared a survivor. */
const MUTANT_INTERLEAVING_RUNS = 1_000;

export interface Kill {
  /** The configuration that killed it, or null: it survived. */
  config: string | null;
  /** The first divergence or failure, in one line (or what it survived). */
  detail: string;
  /** Paths (conformance) or runs (fast-check) spent until the kill, over every configuration tried. */
  effort: number;
  elapsedMs: number;
}

export interface MutantKills {
  mutant: MutantName;
  conformance: Kill;
  fastCheck: Kill;
}

async function byConformance(subject: Subject, mutant: MutantName): Promise<Kill> {
  const started = performance.now();
  let effort = 0;
  for (const config of conformanceConfigs(requireMutant(mutant).base.name, "test")) {
    const report = await conformConfig(subject, config, { divergencesMax: 1 });
    effort += report.paths.run;
    const first = report.divergences[0];
    if (!first) continue;
    const { divergence } = first;
    const detail = `step ${divergence.step} (${divergence.actor} ${divergence.event ?? "setup"}): ${divergence.message}`;
    return { config: report.config, detail, effort, elapsedMs: performance.now() - started };
  }
  return {
    config: null,
    detail: `conformed on ${effort} paths`,
    effort,
    elapsedMs: performance.now() - started,
  };
}

async function byFastCheck(subject: Subject, mutant: MutantName, seed?: number): Promise<Kill> {
  const config = makeConfig({
    variant: requireMutant(mutant).base.name,
    processes: 3,
    faults: ["login", "logout"],
  });
  const report = await checkInterleavings({
    subject,
    config,
    external: true,
    runs: MUTANT_INTERLEAVING_RUNS,
    // Where the base design already sends rotated-out tokens, only a divergence is the mutant's doing.
    staleSendFails: modelHolds(
      makeConfig({ variant: requireMutant(mutant).base.name }),
      "NoStaleRefreshSent",
    ),
    ...(seed === undefined ? {} : { seed }),
  });
  const { failure } = report;
  const detail =
    failure === null
      ? `held for ${report.runs} runs`
      : `${failure.kind}: ${failure.message} (seed ${report.seed})`;
  return {
    config: failure === null ? null : configName(config),
    detail,
    effort: report.runs,
    elapsedMs: report.elapsedMs,
  };
}

export async function killMutant(mutant: MutantName, seed?: number): Promise<MutantKills> {
  const subject = inProcessSubject(mutantImplementation(mutant));
  return {
    mutant,
    conformance: await byConformance(subject, mutant),
    fastCheck: await byFastCheck(subject, mutant, seed),
  };
}
