/**
 * The model's verdicts per variant for the Codex scenarios, until the CLI asks the model itself. Source:
 * docs/protocol.md and the observed-results table of codex-auth.md. `holds` means no refresh token the
 * server had already rotated out was sent (invariant NoStaleRefreshSent); `violated` means one was.
 */
import type { Variant } from "../model/vocabulary.js";
import type { ScenarioName, ScenarioVerdict } from "./scenarios/types.js";

export const EXPECTED_VERDICTS: Readonly<Record<Variant, Readonly<Record<ScenarioName, ScenarioVerdict>>>> = {
  // auth() POSTs the cached token with no reload: B re-sends the dead R0 on every call.
  legacy: { "stale-cache": "violated", simultaneous: "violated" },
  // The guarded reload adopts what another process saved, but two reloads before either save both POST R0.
  guarded: { "stale-cache": "holds", simultaneous: "violated" },
  // The lock is taken after the HTTP call: it serialises saves, not redemption.
  "persist-locked": { "stale-cache": "holds", simultaneous: "violated" },
  // One lock across re-read -> POST -> save.
  locked: { "stale-cache": "holds", simultaneous: "holds" },
};

export function expectedVerdict(variant: Variant | null, scenario: ScenarioName): ScenarioVerdict | null {
  return variant === null ? null : EXPECTED_VERDICTS[variant][scenario];
}
