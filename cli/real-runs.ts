/**
 * What the commands that run real OS processes share (`authrace scenario`, `authrace codex`, `authrace
 * stress`), so that no command imports another: their exit statuses, and running scenarios one after another
 * on one implementation.
 */
import {
  type Agreement,
  type JudgedRun,
  judgeRun,
  type ProcessFactory,
  type RunOptions,
  runScenario,
  type ScenarioName,
} from "../scenarios/index.js";

export const EXIT = { ok: 0, failed: 1, usage: 2, differs: 3 } as const;

/** The exit status of a judged scenario run; a version that mirrors no variant has nothing to differ from. */
export const EXIT_FOR: Readonly<Record<Agreement, number>> = {
  matches: EXIT.ok,
  "no-expectation": EXIT.ok,
  failed: EXIT.failed,
  differs: EXIT.differs,
};

/** Runs the scenarios one after another on one implementation, judging each; `onRun` sees each as it ends. */
export async function runOnImplementation(
  scenarios: readonly ScenarioName[],
  implementation: ProcessFactory,
  onRun: (judged: JudgedRun) => void = () => undefined,
  options: RunOptions = {},
): Promise<JudgedRun[]> {
  const runs: JudgedRun[] = [];
  for (const scenario of scenarios) {
    const judged = judgeRun(await runScenario(scenario, implementation, options));
    runs.push(judged);
    onRun(judged);
  }
  return runs;
}
