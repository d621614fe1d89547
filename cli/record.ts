/**
 * `--record FILE` (scenario, stress): a fresh RunRecorder (validate/recorder.ts) for every attempt of a run
 * (a crashed attempt is run again from scratch, so its record is dropped), and the last one written as the
 * run file `authrace validate` reads.
 */
import { codexVersionOf } from "../codex/implementation.js";
import type { ProcessFactory } from "../scenarios/index.js";
import { RunRecorder } from "../validate/recorder.js";
import { writeRunFile } from "../validate/run-file.js";

export class Recording {
  private recorder: RunRecorder | null = null;

  constructor(
    readonly path: string,
    private readonly factory: ProcessFactory,
    private readonly run: string,
  ) {}

  /** A new recorder for the next attempt. */
  observer(): RunRecorder {
    const codex = codexVersionOf(this.factory.name) !== null;
    this.recorder = new RunRecorder({
      implementation: this.factory.name,
      design: this.factory.variant,
      run: this.run,
      // Codex app-server reports no refresh error: getAuthStatus answers with the cache (or null) either way.
      callOutcomes: codex ? "hidden" : "reported",
      // Its getAuthStatus(refreshToken: true) runs refresh_token(), then auth().
      refreshCall: codex ? "refresh-then-auth" : "refresh",
    });
    return this.recorder;
  }

  /** Writes the last attempt's record; a message saying where, for stderr. */
  async write(): Promise<string> {
    if (this.recorder === null)
      return `authrace: nothing was recorded (the run did not start): ${this.path} not written`;
    const run = await this.recorder.finish();
    writeRunFile(this.path, run);
    return `authrace: recorded ${run.observations.length} observations to ${this.path} (authrace validate ${this.path})`;
  }
}
