/**
 * Figures for `cmd:` programs (issue #13), printed, never asserted:
 * - conformance of the reference driver run as a cmd: program on locked/N2/none with many bounded simple paths
 *   (target: at least 20 paths/s), at 1, 2, 4 and 8 lanes: with `reset` one process per lane and model process
 *   serves every path, so this is the protocol's own cost (a few JSON lines per step, the real I/O);
 * - the same on locked/N2/crash, where every model crash is a real SIGKILL and its restart a new process;
 * - the whole test tier (every configuration of `authrace conform --tier test`, every path) of the reference
 *   driver and of the Python example as cmd: programs (target: under 2 minutes each).
 */

import { conformanceConfigs, SIMPLE_PATHS_CHECKED } from "../conform/configs.js";
import { remoteSubject } from "../conform/remote-subject.js";
import type { Subject } from "../conform/subject.js";
import { conformConfig } from "../conform/suite.js";
import { defaultDriverScript } from "../impl/driver/client.js";
import { makeConfig } from "../model/config.js";
import { MKDIR_LOCKED } from "./designs.js";
import { formatCount, table } from "./stats.js";

const PATHS_TARGET_PER_SECOND = 20;
const TIER_TARGET_SECONDS = 120;
const SIMPLE_PATHS_MANY = 300;
const PYTHON_DRIVER = "examples/python/authrace_driver.py";

function referenceAsCommand(): Subject {
  return remoteSubject([process.execPath, defaultDriverScript(), "--variant", MKDIR_LOCKED], MKDIR_LOCKED);
}

async function pathRates(): Promise<string> {
  const rows: string[][] = [];
  const none = makeConfig({ variant: MKDIR_LOCKED, processes: 2 });
  const crash = makeConfig({ variant: MKDIR_LOCKED, processes: 2, faults: ["crash"] });
  const cases = [
    ...[1, 2, 4, 8].map((lanes) => ({ config: none, lanes, simplePathsMax: SIMPLE_PATHS_MANY })),
    { config: crash, lanes: 4, simplePathsMax: SIMPLE_PATHS_CHECKED },
  ];
  for (const { config, lanes, simplePathsMax } of cases) {
    const report = await conformConfig(referenceAsCommand(), config, { lanes, simplePathsMax });
    const seconds = report.executionMs / 1000;
    const rate = report.paths.run / seconds;
    rows.push([
      report.config,
      String(lanes),
      String(report.paths.run),
      (report.steps / report.paths.run).toFixed(1),
      report.divergences.length === 0 ? "conforms" : `${report.divergences.length} divergences`,
      formatCount(rate),
      formatCount(report.steps / seconds),
      rate >= PATHS_TARGET_PER_SECOND ? "ok" : "MISSED",
    ]);
  }
  return table(
    [
      "cmd: reference driver",
      "lanes",
      "paths",
      "steps/path",
      "verdict",
      "paths/s",
      "steps/s",
      `>= ${PATHS_TARGET_PER_SECOND}/s`,
    ],
    rows,
  );
}

async function wholeTier(name: string, subject: Subject): Promise<string[]> {
  const started = performance.now();
  let paths = 0;
  let divergences = 0;
  const configs = conformanceConfigs(MKDIR_LOCKED, "test");
  for (const config of configs) {
    const report = await conformConfig(subject, config, { simplePathsMax: SIMPLE_PATHS_CHECKED });
    paths += report.paths.run;
    divergences += report.divergences.length;
  }
  const seconds = (performance.now() - started) / 1000;
  return [
    name,
    String(configs.length),
    String(paths),
    divergences === 0 ? "conforms" : `${divergences} divergences`,
    `${seconds.toFixed(1)} s`,
    formatCount(paths / seconds),
    seconds < TIER_TARGET_SECONDS ? "ok" : "MISSED",
  ];
}

export async function benchRemote(): Promise<string> {
  const tiers = [
    await wholeTier("reference driver (node)", referenceAsCommand()),
    await wholeTier("examples/python (python3)", remoteSubject(["python3", PYTHON_DRIVER], MKDIR_LOCKED)),
  ];
  const tierTable = table(
    [
      "whole test tier, locked, cmd:",
      "configs",
      "paths",
      "verdict",
      "time",
      "paths/s",
      `< ${TIER_TARGET_SECONDS} s`,
    ],
    tiers,
  );
  return `${await pathRates()}\n\n${tierTable}`;
}
