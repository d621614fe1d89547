/**
 * One worker of the two-core probe (bench/parallel.ts): explores the configuration it is given and posts
 * back its state count and the seconds it took.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type ConfigInput, makeConfig } from "../model/config.js";
import { explore } from "../proofs/explorer.js";

const input = workerData as ConfigInput;
const started = performance.now();
const exploration = explore(makeConfig(input));
parentPort?.postMessage({ states: exploration.states, seconds: (performance.now() - started) / 1000 });
