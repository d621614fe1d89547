/**
 * Conformance on several cores: the paths of one configuration are dealt round-robin to worker threads
 * (conform/worker.ts), each with its own sessions; the tallies merge into one report, as if one thread had
 * run them all. A subject crosses threads as plain data (SubjectChoice), not as an object.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ModelConfig } from "../model/config.js";
import type { PathStep } from "./lockstep.js";
import { modelPaths } from "./paths.js";
import type { SubjectChoice } from "./subject-choice.js";
import {
  type ConformanceReport,
  type ConformOptions,
  DIVERGENCES_KEPT_MAX,
  LANES_DEFAULT,
  type PathRunTally,
  reportOf,
} from "./suite.js";
import type { WorkerInput } from "./worker.js";

export const WORKERS_MAX = 16;

function workersDefault(): number {
  return Math.min(WORKERS_MAX, Math.max(1, availableParallelism()));
}

type WorkerMessage =
  | { progress: number }
  | { ok: true; tally: PathRunTally }
  | { ok: false; message: string };

function runWorker(input: WorkerInput, onProgress: (done: number) => void): Promise<PathRunTally> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url), { workerData: input });
    worker.on("message", (message: WorkerMessage) => {
      if ("progress" in message) onProgress(message.progress);
      else if (message.ok) resolve(message.tally);
      else reject(new Error(message.message));
    });
    worker.on("error", reject);
    worker.on("exit", (code) => {
      if (code !== 0) reject(new Error(`conformance worker exited with code ${code}`));
    });
  });
}

export async function conformInWorkers(
  choice: SubjectChoice,
  subjectName: string,
  config: ModelConfig,
  options: ConformOptions & { workers?: number } = {},
): Promise<ConformanceReport> {
  const workers = options.workers ?? workersDefault();
  if (!Number.isInteger(workers) || workers < 1 || workers > WORKERS_MAX) {
    throw new RangeError(`workers: ${workers} is not an integer in [1, ${WORKERS_MAX}] (WORKERS_MAX)`);
  }
  const generationStarted = performance.now();
  const set = modelPaths(config, options);
  const generationMs = performance.now() - generationStarted;
  const shares: { index: number; path: PathStep[] }[][] = Array.from({ length: workers }, () => []);
  for (const [index, path] of set.paths.entries()) shares[index % workers]?.push({ index, path });
  const divergencesMax = options.divergencesMax ?? DIVERGENCES_KEPT_MAX;
  const done = new Array<number>(workers).fill(0);
  const executionStarted = performance.now();
  const tallies = await Promise.all(
    shares
      .filter((share) => share.length > 0)
      .map((paths, worker) =>
        runWorker(
          { choice, config, paths, lanes: options.lanes ?? LANES_DEFAULT, divergencesMax },
          (count) => {
            done[worker] = count;
            options.onPath?.(
              done.reduce((sum, value) => sum + value, 0),
              set.paths.length,
            );
          },
        ),
      ),
  );
  const executionMs = performance.now() - executionStarted;
  return reportOf(subjectName, set, tallies, { generationMs, executionMs }, divergencesMax);
}
