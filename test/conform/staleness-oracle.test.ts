/**
 * Proves that conformance's own staleness oracle (conform/staleness-oracle.ts, written apart from the
 * implementation on purpose) and the implementation's rule (impl/manager/staleness.ts) agree at every
 * boundary of every rule a design may name: `exp` inclusive (0.117-0.135), `exp` 5 minutes early (0.136+),
 * the strict 8-day `last_refresh` rule, and no `last_refresh`.
 */
import { describe, expect, test } from "vitest";
import { staleByRule } from "../../conform/staleness-oracle.js";
import { EXPIRY_MARGIN_MS, isStale, TOKEN_REFRESH_INTERVAL_MS } from "../../impl/manager/staleness.js";
import { encodeJwt, makeSnapshot } from "../../impl/storage/index.js";
import type { StalenessRule } from "../../model/designs/types.js";
import { NOW_MS } from "../impl/helpers/home.js";

const RULES: StalenessRule[] = ["last-refresh", "expiry-then-last-refresh", "expiry-early-then-last-refresh"];
const OFFSETS_MS = [-1000, 0, 1000];

describe("the staleness oracle agrees with the implementation", () => {
  const expiries = [undefined, NOW_MS, NOW_MS + EXPIRY_MARGIN_MS].flatMap((base) =>
    base === undefined ? [undefined] : OFFSETS_MS.map((offset) => base + offset),
  );
  const lastRefreshes = [null, ...OFFSETS_MS.map((offset) => NOW_MS - TOKEN_REFRESH_INTERVAL_MS + offset)];
  test.each(RULES)("%s", (rule) => {
    let stale = 0;
    for (const expiry of expiries) {
      for (const lastRefresh of lastRefreshes) {
        const accessToken = expiry === undefined ? "opaque" : encodeJwt({ exp: expiry / 1000 });
        const snapshot = makeSnapshot({ accessToken, refreshToken: "rt", lastRefresh });
        const oracle = staleByRule(
          { accessToken, lastRefresh: lastRefresh === null ? null : new Date(lastRefresh).toISOString() },
          rule,
          NOW_MS,
        );
        expect(oracle, `exp ${expiry} last_refresh ${lastRefresh}`).toBe(isStale(snapshot, rule, NOW_MS));
        if (oracle) stale += 1;
      }
    }
    expect(stale).toBeGreaterThan(0);
  });
});
