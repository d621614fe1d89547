/**
 * Which refresh token a replayed POST sends, and where the process got it, told from the path itself and the
 * real server's record: "POST R1, read from auth.json under the lock at step 3" (locked re-reads under its lock
 * and sends what it read), "POST R0, its cached token (auth.json read at step 2 was unchanged)" (guarded's
 * NoChange), "POST R0, its cached token (no read of auth.json in this call)" (legacy's auth()). No design is
 * named: the source follows from the process's own steps since its call began. Pure.
 */
import { CALL_EVENTS, type EventName } from "../../model/vocabulary.js";
import type { RequestRecord } from "../../server/types.js";
import type { PathStep } from "../lockstep.js";
import type { RealView } from "./views.js";

const POSTING: readonly EventName[] = ["sendRefresh", "serverError"];

function isCall(event: EventName): boolean {
  return (CALL_EVENTS as readonly EventName[]).includes(event);
}

/** Where the token came from: the process's steps from the start of its call up to the POST at `index`. */
function source(path: readonly PathStep[], index: number): string {
  const actor = path[index]?.process;
  let begin = index - 1;
  while (begin >= 0) {
    const step = path[begin] as PathStep;
    if (step.process === actor && (isCall(step.event) || step.event === "restart")) break;
    begin -= 1;
  }
  let locked = false;
  let readAt = -1;
  let readLocked = false;
  for (let position = begin + 1; position < index; position++) {
    const step = path[position] as PathStep;
    if (step.process !== actor) continue;
    if (step.event === "acquireLock") locked = true;
    if (step.event === "releaseLock") locked = false;
    if (step.event === "readDisk") {
      readAt = position;
      readLocked = locked;
    }
  }
  if (readAt >= 0 && readLocked && locked) return `read from auth.json under the lock at step ${readAt + 1}`;
  if (readAt >= 0) return `its cached token (auth.json read at step ${readAt + 1} was unchanged)`;
  return "its cached token (no read of auth.json in this call)";
}

/** The name the views give the posted token (R0, B.R1), or its family and generation. */
function tokenName(post: RequestRecord | undefined, views: readonly (RealView | null)[]): string {
  if (post === undefined) return "a token";
  for (const view of views) {
    const tokens = [
      ...(view?.processes ?? []).map((process) => process.cache?.token),
      view?.disk.kind === "ok" ? view.disk.token : undefined,
    ];
    const found = tokens.find(
      (token) => token?.familyId === post.familyId && token?.generation === post.tokenGeneration,
    );
    if (found !== undefined) return found.name;
  }
  return post.familyId === null ? "an unknown token" : `${post.familyId}/R${post.tokenGeneration}`;
}

/** For a POST step: `POST R1, read from auth.json under the lock at step 3`; null for any other step. */
export function describePost(
  path: readonly PathStep[],
  index: number,
  posts: readonly RequestRecord[],
  views: readonly (RealView | null)[],
): string | null {
  const step = path[index];
  if (step === undefined || !POSTING.includes(step.event)) return null;
  return `POST ${tokenName(posts[0], views)}, ${source(path, index)}`;
}
