/**
 * What the commands that run real OS processes share (`authrace scenario`, `authrace codex`, `authrace
 * stress`), so that no command imports another: their exit statuses, and running scenarios one after another
 * on one implementation (a run the binary crashed is run again: scenarios/attempts.ts).
 */
import {
  type Agreement,
  attemptRun,
  type JudgedRun,
  judgeRun,
  type ProcessFactory,
  type RunObserver,
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

/**
 * Runs the scenarios one after another on one implementation, judging each; `onRun` sees each as it ends. A
 * run in which the binary crashed by itself is run again (scenarios/attempts.ts), and says so. `observe` gives
 * each scenario's run an observer (validate/'s recorder, cli/record.ts).
 */
export async function runOnImplementation(
  scenarios: readonly ScenarioName[],
  implementation: ProcessFactory,
  onRun: (judged: JudgedRun) => void = () => undefined,
  options: RunOptions & { observe?: (scenario: ScenarioName) => RunObserver } = {},
): Promise<JudgedRun[]> {
  const runs: JudgedRun[] = [];
  const { observe, ...runOptions } = options;
  for (const scenario of scenarios) {
    const run = () =>
      runScenario(scenario, implementation, {
        ...runOptions,
        ...(observe === undefined ? {} : { observer: observe(scenario) }),
      });
    const { result, ...attempts } = await attemptRun(implementation, run, {
      failed: (run) => !run.ok,
      onRetry: (attempt) => announceRetry(scenario, attempt),
    });
    const judged = { ...judgeRun(result), attempts };
    runs.push(judged);
    onRun(judged);
  }
  return runs;
}

/** On stderr, so that a retried run does not look like a hang. */
function announceRetry(scenario: ScenarioName, attempt: number): void {
  console.error(`authrace: ${scenario}: the binary crashed by itself; running it again (attempt ${attempt})`);
}
