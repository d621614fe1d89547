/**
 * Does a second core pay for the explorer on this machine? The probe runs the same exploration twice: one
 * after the other on the main thread, then both at once on two worker_threads. Two independent halves with
 * no messages between them are the best a partitioned search (hash-partitioned frontier, one level at a
 * time) could do, so the ratio printed is an upper bound on its speed-up here: below about 1.5x, the
 * exchange of successors between workers and the barrier at every level would eat what is left.
 */
import { Worker } from "node:worker_threads";
import type { ConfigInput } from "../model/config.js";
import { configName, makeConfig } from "../model/config.js";
import { explore } from "../proofs/explorer.js";
import { formatSeconds } from "./stats.js";

const WORKERS = 2;

function inWorker(input: ConfigInput): Promise<{ states: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./parallel-worker.js", import.meta.url), { workerData: input });
    worker.once("message", (message) => {
      resolve(message as { states: number; seconds: number });
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

export async function benchParallel(input: ConfigInput): Promise<string> {
  const config = makeConfig(input);
  explore(config);
  const sequentialStarted = performance.now();
  for (let run = 0; run < WORKERS; run++) explore(config);
  const sequential = (performance.now() - sequentialStarted) / 1000;
  const parallelStarted = performance.now();
  await Promise.all(Array.from({ length: WORKERS }, () => inWorker(input)));
  const parallel = (performance.now() - parallelStarted) / 1000;
  return [
    `two-core probe (${configName(config)} twice): one after the other ${formatSeconds(sequential)},`,
    `  at once on ${WORKERS} worker_threads ${formatSeconds(parallel)}: ${(sequential / parallel).toFixed(2)}x`,
    "  (an upper bound on what a partitioned explorer could gain on this machine now)",
  ].join("\n");
}
