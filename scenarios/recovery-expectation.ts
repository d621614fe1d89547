/**
 * What the model says of the recovery scenario (codex/recovery/), which only a real Codex binary runs: the
 * verdict of NoStaleRefreshSent on the theorems' `recovery` story (proofs/theorems.ts STORIES: the processes
 * make only 401-recovery calls) for the design a release mirrors. The story is the model's, read through
 * `storyConfig`, so a rewrite of how the model runs recovery changes this expectation with no edit here.
 */
import { requireDesign } from "../model/designs/index.js";
import type { Variant } from "../model/vocabulary.js";
import { storyConfig } from "../proofs/theorems.js";
import { describeVerdict, modelHolds } from "../proofs/verdict.js";
import type { ScenarioVerdict } from "./types.js";

/** The theorems' story the recovery scenario runs for real. */
export const RECOVERY_STORY = "recovery";

export interface RecoveryExpectation {
  verdict: ScenarioVerdict;
  /** The model's verdict it follows, in one line. */
  because: string;
}

export function recoveryExpectation(variant: Variant): RecoveryExpectation {
  const config = storyConfig(RECOVERY_STORY, requireDesign(variant).name);
  const holds = modelHolds(config, "NoStaleRefreshSent");
  return { verdict: holds ? "holds" : "violated", because: describeVerdict(config, "NoStaleRefreshSent") };
}
