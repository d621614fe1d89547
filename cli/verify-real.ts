/**
 * The real implementation against the model, inside `authrace verify`: the explorer kills every
 * model mutant; every variant conforms (test-tier configurations, 100% of reachable transitions); the
 * fast-check interleaving checks come out as the proofs say; every implementation mutant dies by conformance
 * and by fast-check; and the 8 x 200 stress acceptance runs on real OS processes. Each section prints one
 * table; the whole is true only when every row matches.
 */
import { alignColumns } from "../common/columns.js";
import { conformanceConfigs, SIMPLE_PATHS_CHECKED } from "../conform/configs.js";
import { builtInInterleavingChecks } from "../conform/interleave/checks.js";
import { checkInterleavings } from "../conform/interleave/property.js";
import { killMutant } from "../conform/mutants.js";
import { inProcessSubject } from "../conform/subject.js";
import { conformConfig } from "../conform/suite.js";
import { referenceAuthImplementation } from "../impl/plugin/index.js";
import { configName } from "../model/config.js";
import { mutantNames, VARIANTS } from "../model/designs/index.js";
import { runMutantKills } from "../proofs/mutants.js";
import { formatStressAcceptance, runStressAcceptance, stressAcceptanceMatches } from "../stress/index.js";

export interface RealSection {
  title: string;
  ok: boolean;
  table: string;
}

type Section = RealSection;

function mark(ok: boolean): string {
  return ok ? "yes" : "NO";
}

function modelMutants(): Section {
  const results = runMutantKills();
  const rows = results.map((result) => {
    const ok = result.killedInSteps !== null && result.controlHolds && result.mismatches.length === 0;
    const killed =
      result.killedInSteps === null ? "SURVIVED" : `${result.invariant} in ${result.killedInSteps}`;
    return {
      ok,
      cells: [result.mutant, result.config, killed, result.controlHolds ? "holds" : "FAILS", mark(ok)],
    };
  });
  const table = alignColumns([
    ["mutant", "killing configuration", "killed by", "control", "as pinned"],
    ...rows.map((row) => row.cells),
  ]);
  return { title: "model mutants (explorer)", ok: rows.every((row) => row.ok), table };
}

async function conformance(): Promise<Section> {
  const rows: { ok: boolean; cells: string[] }[] = [];
  for (const variant of VARIANTS) {
    const subject = inProcessSubject(referenceAuthImplementation(variant));
    for (const config of conformanceConfigs(variant, "test")) {
      const report = await conformConfig(subject, config, { simplePathsMax: SIMPLE_PATHS_CHECKED });
      const { coverage } = report;
      const ok = report.divergences.length === 0 && coverage.missing.length === 0;
      const first = report.divergences[0]?.divergence;
      rows.push({
        ok,
        cells: [
          report.config,
          String(report.paths.run),
          String(report.steps),
          `${coverage.covered}/${coverage.reachable}`,
          first ? `step ${first.step}: ${first.message}` : "none",
          `${((report.generationMs + report.executionMs) / 1000).toFixed(1)} s`,
        ],
      });
    }
  }
  const table = alignColumns([
    ["configuration", "paths", "steps", "transitions", "divergence", "time"],
    ...rows.map((row) => row.cells),
  ]);
  return {
    title: "conformance of the reference implementation (xstate/graph paths, real I/O)",
    ok: rows.every((row) => row.ok),
    table,
  };
}

async function interleavings(): Promise<Section> {
  const rows: { ok: boolean; cells: string[] }[] = [];
  for (const check of builtInInterleavingChecks()) {
    const subject = inProcessSubject(referenceAuthImplementation(check.config.variant));
    const report = await checkInterleavings({
      subject,
      config: check.config,
      external: check.external,
      runs: check.runs,
    });
    const outcome =
      report.failure === null ? `held ${report.runs} runs` : `${report.failure.kind} in run ${report.runs}`;
    const ok = check.expect === "holds" ? report.failure === null : report.failure?.kind === "staleSend";
    rows.push({
      ok,
      cells: [
        configName(check.config),
        check.external ? "yes" : "no",
        check.expect,
        outcome,
        String(report.seed),
        mark(ok),
      ],
    });
  }
  const table = alignColumns([
    ["configuration", "external", "proofs say", "fast-check", "seed", "agrees"],
    ...rows.map((row) => row.cells),
  ]);
  return {
    title: "fast-check interleavings (real I/O, every step checked against the model)",
    ok: rows.every((row) => row.ok),
    table,
  };
}

async function implementationMutants(): Promise<Section> {
  const rows: { ok: boolean; cells: string[] }[] = [];
  for (const mutant of mutantNames()) {
    const kills = await killMutant(mutant);
    const cell = (kill: typeof kills.conformance) => kill.config ?? `SURVIVED (${kill.detail})`;
    const ok = kills.conformance.config !== null && kills.fastCheck.config !== null;
    rows.push({ ok, cells: [mutant, cell(kills.conformance), cell(kills.fastCheck), mark(ok)] });
  }
  const table = alignColumns([
    ["mutant", "conformance kills it on", "fast-check kills it on", "dies"],
    ...rows.map((row) => row.cells),
  ]);
  return { title: "implementation mutants", ok: rows.every((row) => row.ok), table };
}

async function stress(): Promise<Section> {
  const rows = await runStressAcceptance();
  return {
    title: "stress acceptance (real OS processes, family revocation on)",
    ok: stressAcceptanceMatches(rows),
    table: formatStressAcceptance(rows),
  };
}

/**
 * Runs every section; tables go to stdout, or to stderr when stdout carries JSON. Each section, once run, is also
 * appended to `collected` (for --junit).
 */
export async function runRealChecks(
  json: boolean,
  includeRealIo: boolean,
  collected: RealSection[] = [],
): Promise<boolean> {
  const print = (section: Section) => {
    const text = `\n${section.title}:\n${section.table}\n`;
    if (json) process.stderr.write(text);
    else console.log(text);
  };
  const sections: Section[] = [modelMutants()];
  print(sections[0] as Section);
  if (includeRealIo) {
    for (const next of [conformance, interleavings, implementationMutants, stress]) {
      const section = await next();
      print(section);
      sections.push(section);
    }
  }
  collected.push(...sections);
  return sections.every((section) => section.ok);
}
