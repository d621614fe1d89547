/**
 * cmd: subjects: a program speaking the JSON-line driver protocol in held mode (docs/driver-protocol.md), one OS
 * process per model process (RemoteSlot). The program is judged as `variant`: a cmd: program names no variant of
 * its own on the command line, so whoever runs it says which model it must follow. A program that can `reset`
 * serves many runs of a session: its processes are parked between runs in a pool the session keeps.
 */
import type { Variant } from "../model/vocabulary.js";
import { DriverPool } from "./remote-pool.js";
import { preflightProgram } from "./remote-preflight.js";
import { RemoteSlot } from "./remote-slot.js";
import type { Subject } from "./subject.js";

/** `command` is the program and its leading arguments; `--home`, `--name` and held mode's flags follow. */
export function remoteSubject(command: readonly string[], variant: Variant): Subject {
  if (command.length === 0) throw new RangeError("remoteSubject: empty command");
  const words = [...command];
  /** The key of this subject's pool in each session (one pool per subject and session). */
  const poolKey = {};
  return {
    name: `cmd:${words.join(" ")}`,
    variant,
    slot: (request) => {
      const pool =
        request.scope?.keep(
          poolKey,
          () => new DriverPool(),
          (kept) => kept.close(),
        ) ?? null;
      return new RemoteSlot(words, request, pool);
    },
    async preflight() {
      const failed = await preflightProgram(words);
      return failed === null ? null : `cmd:${words.join(" ")} ${failed.message}`;
    },
  };
}
