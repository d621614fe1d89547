/**
 * The real-process scenario matrix inside `authrace verify`: every scenario x variant against the
 * real token server, with the expected verdicts from scenarios/expectations.ts.
 */
import { formatScenarioMatrix, runScenarioMatrix, scenarioMatrixMatches } from "../scenarios/index.js";

export async function runScenarios(json: boolean): Promise<boolean> {
  const rows = await runScenarioMatrix();
  const table = `\nscenario matrix (real OS processes, real token server):\n${formatScenarioMatrix(rows)}\n`;
  if (json) process.stderr.write(table);
  else console.log(table);
  return scenarioMatrixMatches(rows);
}
