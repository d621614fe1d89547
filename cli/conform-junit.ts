/**
 * `--junit` of `authrace conform` and `authrace interleave`: one test case per configuration (conform) or per
 * check (interleave); a divergence, coverage below 100% or a failed property is the failure, its report (the path
 * to the divergence, numbered; the run as it happened) the failure text; a program that could not be run is one
 * test case with an error.
 */

import type { InterleavingReport } from "../conform/interleave/property.js";
import { formatInterleavingReport } from "../conform/interleave/report.js";
import { formatConformanceReport } from "../conform/report.js";
import type { ConformanceReport } from "../conform/suite.js";
import type { JunitCase, JunitSuite } from "./junit.js";

function classname(command: string, implementation: string): string {
  return `authrace.${command}.${implementation}`;
}

export function conformJunit(
  implementation: string,
  reports: readonly ConformanceReport[],
  conforms: (report: ConformanceReport) => boolean,
): JunitSuite {
  const cases = reports.map((report): JunitCase => {
    const text = formatConformanceReport(report);
    const base = {
      name: report.config,
      classname: classname("conform", implementation),
      timeSeconds: (report.generationMs + report.executionMs) / 1000,
    };
    if (conforms(report)) return { ...base, systemOut: text };
    const first = report.divergences[0]?.divergence;
    const { covered, reachable } = report.coverage;
    const message = first
      ? `step ${first.step} (${first.actor}${first.event ? ` ${first.event}` : ""}): ${first.message}`
      : `coverage ${covered}/${reachable} reachable transitions, ${report.paths.run}/${report.paths.generated} paths run`;
    return { ...base, failure: { message, text } };
  });
  return { name: `authrace conform ${implementation}`, cases };
}

/** The one test case of a program that could not be run (conform, interleave). */
export function cannotRunJunit(command: string, implementation: string, problem: string): JunitSuite {
  return {
    name: `authrace ${command} ${implementation}`,
    cases: [
      {
        name: "start",
        classname: classname(command, implementation),
        error: { message: problem, text: problem },
      },
    ],
  };
}

export function interleaveJunit(report: InterleavingReport, text: string): JunitSuite {
  const base = {
    name: report.config,
    classname: classname("interleave", report.subject),
    timeSeconds: report.elapsedMs / 1000,
  };
  const failure = report.failure;
  const testcase: JunitCase =
    failure === null
      ? { ...base, systemOut: formatInterleavingReport(report) }
      : { ...base, failure: { message: `${failure.kind}: ${failure.message}`, text } };
  return { name: `authrace interleave ${report.subject}`, cases: [testcase] };
}
