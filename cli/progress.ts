/**
 * Progress of long explorations: a live bar on a terminal, plain lines otherwise (CI logs, pipes).
 * Everything goes to stderr so `--json` output stays clean.
 */
import { SingleBar } from "cli-progress";
import type { Progress } from "../proofs/explorer.js";
import type { TheoremResult } from "../proofs/run.js";

const MEBIBYTE = 1024 * 1024;

export interface ProgressReporter {
  start(name: string, position: number, total: number): void;
  update(progress: Progress): void;
  finish(result: TheoremResult): void;
  stop(): void;
}

function summary(result: TheoremResult): string {
  const { states, transitions, seconds } = result.exploration;
  const rate = seconds > 0 ? Math.round(states / seconds) : states;
  const violated = result.rows.filter((row) => row.verdict === "violated").map((row) => row.invariant);
  return `${states} states, ${transitions} transitions, ${seconds.toFixed(2)} s (${rate} states/s)${
    violated.length > 0 ? `; violated: ${violated.join(", ")}` : "; all invariants hold"
  }`;
}

export function makeProgress(quiet: boolean): ProgressReporter {
  const live = process.stderr.isTTY === true && !quiet;
  let current = "";
  let counter = "";
  const bar = live
    ? new SingleBar(
        {
          format: "{counter} {name} | {value} states | {rate} states/s | depth {depth} | {memory} MB",
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
        },
        undefined,
      )
    : undefined;
  return {
    start(name, position, total) {
      current = name;
      counter = `[${position}/${total}]`;
      bar?.start(1, 0, { name, counter, rate: 0, depth: 0, memory: 0 });
    },
    update(progress) {
      const rate = progress.seconds > 0 ? Math.round(progress.states / progress.seconds) : 0;
      // The explorer's own arrays (states, index, links, edges), as counted against a memory limit.
      const memory = Math.round((progress.bytes ?? 0) / MEBIBYTE);
      if (bar) bar.update(progress.states, { rate, depth: progress.depth, name: current, counter, memory });
      else if (progress.states > 1 && !quiet) {
        process.stderr.write(
          `${counter} ${current}: ${progress.states} states, ${rate} states/s, depth ${progress.depth}, ${memory} MB\n`,
        );
      }
    },
    finish(result) {
      bar?.stop();
      if (!quiet) process.stderr.write(`${counter} ${current}: ${summary(result)}\n`);
    },
    stop() {
      bar?.stop();
    },
  };
}
