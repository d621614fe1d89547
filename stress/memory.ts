/**
 * Memory per driver, as the kernel measured it: the peak resident set (VmHWM in /proc/<pid>/status) of each
 * driver process, read after its last call and before it exits. Measured, never estimated; where /proc is not
 * there (not Linux) or a process is gone, that process is simply not measured and the report says how many were.
 */
import { readFile } from "node:fs/promises";

export interface MemoryFigures {
  /** Processes whose /proc/<pid>/status could be read. */
  processesMeasured: number;
  /** Peak resident set per process (VmHWM), in MB (2^20 bytes), rounded to 0.1. */
  peakRssMbMin: number;
  peakRssMbMedian: number;
  peakRssMbMax: number;
}

const KB_PER_MB = 1024;
const VM_HWM = /^VmHWM:\s+(\d+)\s+kB$/m;

/** The peak resident set of one process in kB; null when it cannot be read. */
export async function peakResidentKb(pid: number): Promise<number | null> {
  try {
    const match = VM_HWM.exec(await readFile(`/proc/${pid}/status`, "utf8"));
    return match === null ? null : Number(match[1]);
  } catch {
    return null;
  }
}

function megabytes(kb: number): number {
  return Math.round((kb / KB_PER_MB) * 10) / 10;
}

/** Pure: the figures of the measured values (kB); null when none was measured. */
export function memoryFigures(peaksKb: readonly number[]): MemoryFigures | null {
  if (peaksKb.length === 0) return null;
  const sorted = [...peaksKb].sort((left, right) => left - right);
  const middle = sorted.length / 2;
  const median =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(middle)] as number)
      : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
  return {
    processesMeasured: sorted.length,
    peakRssMbMin: megabytes(sorted[0] as number),
    peakRssMbMedian: megabytes(median),
    peakRssMbMax: megabytes(sorted[sorted.length - 1] as number),
  };
}

/** Reads every process that has a pid; those without one (or already gone) are left out. */
export async function measureDriverMemory(
  pids: readonly (number | undefined)[],
): Promise<MemoryFigures | null> {
  const peaks = await Promise.all(pids.map((pid) => (pid === undefined ? null : peakResidentKb(pid))));
  return memoryFigures(peaks.filter((peak): peak is number => peak !== null));
}
