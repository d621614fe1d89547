/**
 * Load: many real driver processes on one auth.json (stress/, family revocation on), at the sizes a machine full
 * of Codex sessions reaches. Per design and size it prints stale sends, calls/s and each driver's peak resident
 * memory as the kernel measured it (VmHWM). Figures only: a machine shared with other work gives slower
 * calls/s, and the printed line says the load average the run started at.
 *
 * LOAD_DESIGNS is the extension point: a design that must send no stale token under load joins the list (the
 * kernel-lock design, once it exists, as `referenceImplementation("<its variant>")` or a `cmd:` driver).
 */

import { loadavg } from "node:os";
import { type ProcessFactory, referenceImplementation } from "../scenarios/index.js";
import { describeMemory, runStress, STRESS_DEFAULTS, type StressSettings } from "../stress/index.js";
import { MKDIR_LOCKED } from "./designs.js";
import { formatCount, table } from "./stats.js";

export interface LoadDesign {
  /** As printed. */
  name: string;
  factory: () => ProcessFactory;
}

/** Designs run under load. New designs join here; nothing else changes. */
export const LOAD_DESIGNS: readonly LoadDesign[] = [
  { name: MKDIR_LOCKED, factory: () => referenceImplementation(MKDIR_LOCKED) },
];

/** The sizes: 32 processes x 200 calls and 64 x 100. */
export const LOAD_SIZES: readonly Pick<StressSettings, "processes" | "calls">[] = [
  { processes: 32, calls: 200 },
  { processes: 64, calls: 100 },
];

/** 64 processes on two cores queue for CPU: a call waits far longer than the 20 s a scenario allows. */
export const LOAD_REPLY_TIMEOUT_MS = 120_000;

const SEED = 1;

export async function benchLoad(designs: readonly LoadDesign[] = LOAD_DESIGNS): Promise<string> {
  const rows: string[][] = [];
  for (const design of designs) {
    for (const size of LOAD_SIZES) {
      const settings: StressSettings = { ...STRESS_DEFAULTS, ...size, seed: SEED };
      const load = loadavg()[0]?.toFixed(1) ?? "?";
      const result = await runStress(design.factory(), settings, {
        replyTimeout: { ms: LOAD_REPLY_TIMEOUT_MS, limit: "LOAD_REPLY_TIMEOUT_MS" },
      });
      const label = `${size.processes} x ${size.calls}`;
      if (!result.ok) {
        rows.push([design.name, label, load, "-", "-", "-", "-", `FAILED: ${result.problem}`]);
        continue;
      }
      const { report } = result;
      const callsPerSecond = report.callsElapsedMs > 0 ? (report.calls * 1000) / report.callsElapsedMs : 0;
      rows.push([
        design.name,
        label,
        load,
        formatCount(report.calls),
        String(report.staleSends),
        formatCount(callsPerSecond),
        describeMemory(report),
        report.problems.length === 0 ? "" : `INCOMPLETE: ${report.problems[0]}`,
      ]);
    }
  }
  return `load (stress, seed ${SEED}, family revocation on):\n${table(
    ["design", "processes x calls", "load avg", "calls", "stale sends", "calls/s", "memory per driver", ""],
    rows,
  )}`;
}
