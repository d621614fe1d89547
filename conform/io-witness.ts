/**
 * Observe, don't trust: what a step really did to auth.json, the lock directory and the token server, judged
 * from the file system and the server's ledger, not from what the implementation announced. A program held in
 * another process says which port call it is about to make and how (`"mode":"atomic"`); nothing stops it from
 * doing other I/O between two announcements, or from writing differently than it said. So around every step
 * the conductor marks the world (inode, size and times of auth.json; whether the lock directory exists) and
 * this file says what no announcement covers:
 *
 * - a POST the server received during any step but a released `sendRefresh` (or `serverError`);
 * - a change of auth.json during any step but a released `writeDisk`, or another process's login or logout;
 * - the lock directory appearing or vanishing during any step but `acquireLock` / `releaseLock` (or a login or
 *   logout, which take and release the lock within the step);
 * - a released `writeDisk` whose effect is not the model's write: an atomic replace gives auth.json a new
 *   inode, an in-place write keeps it; a write that changed nothing is reported too.
 *
 * Pure except `markWorld`, which only stats.
 */
import { type BigIntStats, statSync } from "node:fs";
import type { WriteMode } from "../impl/ports/types.js";
import { authJsonPath, authLockPath } from "../impl/storage/index.js";
import type { EventName } from "../model/vocabulary.js";
import type { RequestRecord } from "../server/types.js";

/** What identifies one version of auth.json on disk (null: absent). */
export interface FileMark {
  inode: bigint;
  bytes: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export interface WorldMark {
  authJson: FileMark | null;
  lockExists: boolean;
}

function statOrNull(path: string): BigIntStats | null {
  return statSync(path, { bigint: true, throwIfNoEntry: false }) ?? null;
}

export function markWorld(home: string): WorldMark {
  const file = statOrNull(authJsonPath(home));
  return {
    authJson:
      file === null
        ? null
        : { inode: file.ino, bytes: file.size, mtimeNs: file.mtimeNs, ctimeNs: file.ctimeNs },
    lockExists: statOrNull(authLockPath(home)) !== null,
  };
}

export function sameFile(before: FileMark | null, after: FileMark | null): boolean {
  if (before === null || after === null) return before === after;
  return (
    before.inode === after.inode &&
    before.bytes === after.bytes &&
    before.mtimeNs === after.mtimeNs &&
    before.ctimeNs === after.ctimeNs
  );
}

/** How auth.json changed: a new inode (atomic replace), the same one rewritten (in place), created, removed, or not at all. */
export type WriteSeen = "atomic" | "in-place" | "created" | "removed" | "none";

export function writeSeen(before: FileMark | null, after: FileMark | null): WriteSeen {
  if (sameFile(before, after)) return "none";
  if (after === null) return "removed";
  if (before === null) return "created";
  return before.inode === after.inode ? "in-place" : "atomic";
}

function describeChange(before: FileMark | null, after: FileMark | null): string {
  const side = (mark: FileMark | null) =>
    mark === null ? "absent" : `inode ${mark.inode}, ${mark.bytes} bytes`;
  return `${side(before)} -> ${side(after)}`;
}

export interface StepWitness {
  /** `A readDisk`, `world login`. */
  step: string;
  event: EventName;
  before: WorldMark;
  after: WorldMark;
  /** Token requests the server decided during the step. */
  posts: readonly RequestRecord[];
  /** How the model writes (a released writeDisk must do exactly this). */
  modelWrite: WriteMode;
  /** The mode the held writeDisk announced, when the step released one. */
  announcedWrite?: WriteMode | undefined;
}

const POSTING_EVENTS: readonly EventName[] = ["sendRefresh", "serverError"];
/** World events where another process writes or removes auth.json (under the lock where the design takes it). */
const OUTSIDE_WRITERS: readonly EventName[] = ["login", "relogin", "logout"];
const LOCK_EVENTS: readonly EventName[] = ["acquireLock", "releaseLock", ...OUTSIDE_WRITERS];

function postNames(posts: readonly RequestRecord[]): string {
  return posts
    .map((post) => `${post.familyId ?? "unknown family"}/R${post.tokenGeneration ?? "?"} ${post.verdict}`)
    .join(", ");
}

function judgeWrite(witness: StepWitness, seen: WriteSeen): string | null {
  const { step, modelWrite, announcedWrite, before, after } = witness;
  if (seen === "none") return `${step} left auth.json as it was: the released write wrote nothing`;
  if (seen === "removed") return `${step} removed auth.json instead of writing it`;
  if (seen === "created" || seen === modelWrite) return null;
  const said = announcedWrite === undefined ? "" : ` (it announced ${announcedWrite})`;
  const how =
    seen === "atomic"
      ? "replaced auth.json by a new file (atomic)"
      : "rewrote auth.json in place (same inode)";
  const model = modelWrite === "atomic" ? "atomically (a new file renamed over it)" : "in place";
  return `${step} ${how}${said}, ${describeChange(before.authJson, after.authJson)}; the model writes ${model}`;
}

/** The first thing the step did that no announcement covers, or that contradicts the model's write; else null. */
export function judgeStep(witness: StepWitness): string | null {
  const { step, event, before, after, posts } = witness;
  if (!POSTING_EVENTS.includes(event) && posts.length > 0) {
    return `unannounced POST during ${step}: the server got ${posts.length} token request(s) (${postNames(posts)}) that no released sendRefresh announced`;
  }
  const seen = writeSeen(before.authJson, after.authJson);
  if (event === "writeDisk") {
    const problem = judgeWrite(witness, seen);
    if (problem !== null) return problem;
  } else if (seen !== "none" && !OUTSIDE_WRITERS.includes(event)) {
    return `unannounced write of auth.json during ${step} (${seen}: ${describeChange(before.authJson, after.authJson)}) that no released writeDisk announced`;
  }
  if (before.lockExists !== after.lockExists && !LOCK_EVENTS.includes(event)) {
    const what = after.lockExists ? "appeared" : "vanished";
    return `unannounced lock change during ${step}: the lock directory ${what} without a released acquireLock or releaseLock`;
  }
  return null;
}
