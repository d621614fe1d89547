/**
 * Learned steps as Int32 records in one array (learned.ts keeps its leaves here; the expander reads them in
 * place, with no object to follow per step).
 *
 * A leaf is [count, step, step, ...]. A step is STEP_HEADER words (its step code, process, target location,
 * flags, event), then its writes (a count, then position * 256 + value each), then the invariants it breaks
 * (a count, then their indices in `invariants`).
 */
import type { EventName, InvariantName } from "../../model/vocabulary.js";
import type { LearnedStep } from "./learned.js";

export const STEP_CODE = 0;
export const STEP_PROCESS = 1;
export const STEP_TARGET = 2;
export const STEP_FLAGS = 3;
export const STEP_EVENT = 4;
export const STEP_HEADER = 5;
/** Flags: the step is a fault; it wrote a generation (its successor is renamed). */
export const FAULT = 1;
export const RENAMES = 2;

/** Int32 words the records may take (64 MiB); past it the owner drops them and learns again. */
export const RECORD_WORDS_MAX = 1 << 24;
const INITIAL_WORDS = 1 << 14;
const BYTE_VALUES = 256;

export class StepRecords {
  words = new Int32Array(INITIAL_WORDS);
  used = 0;
  /** Event and invariant names by the indices the records hold. */
  readonly events: EventName[] = [];
  readonly invariants: InvariantName[] = [];

  /** Appends a leaf holding `steps`; its offset, or -1 when the records have no room for it. */
  append(steps: readonly LearnedStep[]): number {
    let size = 1;
    for (const step of steps) size += STEP_HEADER + 2 + step.writes.length / 2 + step.violations.length;
    if (this.used + size > RECORD_WORDS_MAX) return -1;
    const at = this.reserve(size);
    const words = this.words;
    let next = at;
    words[next++] = steps.length;
    for (const step of steps) {
      words[next + STEP_CODE] = step.code;
      words[next + STEP_PROCESS] = step.process;
      words[next + STEP_TARGET] = step.target;
      words[next + STEP_FLAGS] = (step.fault ? FAULT : 0) | (step.renames ? RENAMES : 0);
      words[next + STEP_EVENT] = indexIn(this.events, step.event);
      next += STEP_HEADER;
      words[next++] = step.writes.length / 2;
      for (let write = 0; write < step.writes.length; write += 2) {
        words[next++] = (step.writes[write] as number) * BYTE_VALUES + (step.writes[write + 1] as number);
      }
      words[next++] = step.violations.length;
      for (const invariant of step.violations) words[next++] = indexIn(this.invariants, invariant);
    }
    return at;
  }

  /** The steps of the leaf at `offset`, as objects (for tests). */
  decode(offset: number): LearnedStep[] {
    const words = this.words;
    let next = offset;
    const count = words[next++] as number;
    const steps: LearnedStep[] = [];
    for (let index = 0; index < count; index++) {
      const flags = words[next + STEP_FLAGS] as number;
      const step = {
        event: this.events[words[next + STEP_EVENT] as number] as EventName,
        process: words[next + STEP_PROCESS] as number,
        code: words[next + STEP_CODE] as number,
        fault: (flags & FAULT) !== 0,
        target: words[next + STEP_TARGET] as number,
        renames: (flags & RENAMES) !== 0,
      };
      next += STEP_HEADER;
      const writes: number[] = [];
      const writeCount = words[next++] as number;
      for (let write = 0; write < writeCount; write++) {
        const packed = words[next++] as number;
        writes.push(Math.floor(packed / BYTE_VALUES), packed % BYTE_VALUES);
      }
      const violations: InvariantName[] = [];
      const violationCount = words[next++] as number;
      for (let violation = 0; violation < violationCount; violation++) {
        violations.push(this.invariants[words[next++] as number] as InvariantName);
      }
      steps.push({ ...step, writes: Int32Array.from(writes), violations });
    }
    return steps;
  }

  clear(): void {
    this.words = new Int32Array(INITIAL_WORDS);
    this.used = 0;
  }

  private reserve(count: number): number {
    const at = this.used;
    this.used += count;
    if (this.used > this.words.length) {
      const grown = new Int32Array(Math.min(RECORD_WORDS_MAX, Math.max(this.words.length * 2, this.used)));
      grown.set(this.words);
      this.words = grown;
    }
    return at;
  }
}

function indexIn<T>(names: T[], name: T): number {
  const index = names.indexOf(name);
  return index >= 0 ? index : names.push(name) - 1;
}
