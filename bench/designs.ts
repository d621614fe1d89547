/**
 * The designs the benchmarks run, chosen by their rules (model/designs/) so that no design is named here:
 * the one that posts its cached token (the seed's bug), the first unlocked design that reloads first, and
 * the first with an mkdir lock across the whole refresh (what the Python example implements).
 */
import { builtInDesigns, type DesignRules } from "../model/designs/index.js";

function designWhere(what: string, test: (rules: DesignRules) => boolean): string {
  const design = builtInDesigns().find((candidate) => test(candidate.rules));
  if (!design) throw new Error(`bench: no built-in design is ${what}`);
  return design.name;
}

export const POSTS_CACHED = designWhere(
  "posting its cached token",
  (rules) => rules.staleAuth === "post-cached-token",
);
export const RELOADS_UNLOCKED = designWhere(
  "unlocked and reloading first",
  (rules) => rules.lockScope === "none" && rules.staleAuth === "refresh-token",
);
export const MKDIR_LOCKED = designWhere(
  "mkdir-locked across the refresh",
  (rules) => rules.lockScope === "refresh" && rules.lockKind === "mkdir",
);
