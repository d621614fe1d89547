/**
 * A worker thread of `conformInWorkers`: opens the same subject from its plain-data choice and runs its share
 * of the paths, then posts the tally. One Node thread saturates one core with real I/O and comparisons; more
 * cores need more threads.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { ModelConfig } from "../model/config.js";
import type { PathStep } from "./lockstep.js";
import { openSubjectChoice, type SubjectChoice } from "./subject-choice.js";
import { runPaths } from "./suite.js";

export interface WorkerInput {
  choice: SubjectChoice;
  config: ModelConfig;
  paths: { index: number; path: PathStep[] }[];
  lanes: number;
  divergencesMax: number;
}

const input = workerData as WorkerInput;
const opened = await openSubjectChoice(input.choice);
if (!opened.ok) {
  parentPort?.postMessage({ ok: false, message: opened.message });
} else {
  const tally = await runPaths(opened.subject, input.config, input.paths, {
    lanes: input.lanes,
    divergencesMax: input.divergencesMax,
    onPath: (done) => parentPort?.postMessage({ progress: done }),
  });
  parentPort?.postMessage({ ok: true, tally });
}
