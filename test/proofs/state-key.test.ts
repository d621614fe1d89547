/**
 * Proves the explorer's state key leaves nothing out: every field of a model state (each process's location
 * and data, the disk, the server's families, time, the lock, every fault counter of vocabulary.ts's
 * FAULT_LIST), changed alone, changes the key. The fields are found by walking the state itself, so a field
 * added to the model later is perturbed here without an edit; a key that forgot it would merge two states
 * silently.
 */
import { describe, expect, test } from "vitest";
import { LOCATIONS } from "../../model/branch.js";
import { COUNTED_FAULTS } from "../../model/vocabulary.js";
import { canonicalKey, type ExplorerState, initialState, orderedKey } from "../../proofs/state.js";

type Leaf = { path: (string | number)[]; value: unknown };

function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([key, child]) =>
      leaves(child, [...path, Array.isArray(value) ? Number(key) : key]),
    );
  }
  return [{ path, value }];
}

/** A deep copy of `state` with the leaf at `path` replaced by a different value of the same type. */
function perturbed(state: ExplorerState, { path, value }: Leaf): ExplorerState {
  const copy = structuredClone(state) as unknown as Record<string | number, unknown>;
  let parent = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (typeof value === "number") parent[last] = value + 1;
  else if (typeof value === "boolean") parent[last] = !value;
  else if (typeof value === "string") parent[last] = LOCATIONS.find((location) => location !== value);
  else throw new Error(`state-key test: no way to perturb ${path.join(".")} (${typeof value})`);
  return copy as unknown as ExplorerState;
}

/** `families[0]` is "no account"'s slot, kept so families are indexed by account: nothing ever writes it. */
const UNUSED = "data.families.0.";

describe("the state key", () => {
  const state = initialState(2);
  const fields = leaves(state).filter((leaf) => !`${leaf.path.join(".")}.`.startsWith(UNUSED));

  test("walks every field, fault counters included", () => {
    const paths = fields.map((leaf) => leaf.path.join("."));
    for (const fault of COUNTED_FAULTS) expect(paths).toContain(`data.faultsUsed.${fault}`);
    expect(paths).toContain("locations.1");
    expect(paths).toContain("data.processes.1.pending.generation");
    expect(fields.length).toBeGreaterThan(30);
  });

  test.each(fields.map((leaf) => [leaf.path.join("."), leaf] as const))(
    "changing %s changes the key",
    (_name, leaf) => {
      const changed = perturbed(state, leaf);
      expect(orderedKey(changed)).not.toBe(orderedKey(state));
      expect(canonicalKey(changed, true).key).not.toBe(canonicalKey(state, true).key);
    },
  );
});
