/**
 * The crash points inside `authrace verify`, after the scenario matrix: every design (VARIANTS), each port call
 * of a refresh, a login and a logout killed on a real driver, checked against the model's walk and the pins.
 */
import { crashReportsHold, formatCrashTable } from "../crashpoints/index.js";
import { VARIANTS } from "../model/designs/index.js";
import { runCrashpoints } from "./commands/crashpoints.js";

export async function runCrashpointChecks(json: boolean): Promise<boolean> {
  const reports = await runCrashpoints(VARIANTS);
  const table = `\ncrash points (a real driver killed at every port call, checked against the model):\n${formatCrashTable(reports)}\n`;
  if (json) process.stderr.write(table);
  else console.log(table);
  return crashReportsHold(reports);
}
