/**
 * cmd: subjects: a program speaking the JSON-line driver protocol in held mode, one OS process per model
 * process. (Being written: until then it refuses clearly.)
 */
import type { Variant } from "../model/vocabulary.js";
import type { Subject } from "./subject.js";

export function remoteSubject(command: readonly string[], variant: Variant): Subject {
  throw new Error(`cmd:${command.join(" ")} as ${variant}: held mode is not available yet`);
}
