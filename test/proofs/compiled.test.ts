/**
 * Proves the compiled explorer (proofs/compiled/, what `explore` runs) gives the interpretive reference's
 * answers (proofs/explorer.ts `exploreReference`) on small configurations of every design and fault:
 * the same set of states (canonical keys, with and without symmetry), the same state and transition counts,
 * the same violated invariants with the same shortest lengths, and counterexamples that replay to the same
 * steps; and that collapsed states explore identically. And that the packed layout comes from the data itself: a field added to the model's data is packed
 * without an edit, a value that does not fit fails naming its field, and a field of an unknown type stops
 * the explorer at once. And that the views the table runs on keep plain object semantics, and that renaming
 * generations on bytes is the model's `normalized`.
 */
import { describe, expect, it } from "vitest";
import { type ConfigInput, makeConfig } from "../../model/config.js";
import { initialData, type ModelData, normalized } from "../../model/data.js";
import { generationPositions, makeGenerationRenamer } from "../../proofs/compiled/generations.js";
import { makeLayout } from "../../proofs/compiled/layout.js";
import { makeViewFactory } from "../../proofs/compiled/view.js";
import { type Exploration, explore, exploreReference } from "../../proofs/explorer.js";
import { traceOf } from "../../proofs/trace.js";
import { keysOf } from "../support/state-sets.js";

const CONFIGS: ConfigInput[] = [
  { variant: "legacy", processes: 3, faults: ["tornWrite"] },
  { variant: "legacy", processes: 2, calls: ["callAuth"], overlap: false },
  { variant: "guarded", processes: 3, faults: ["transient"] },
  { variant: "guarded", processes: 2, faults: ["lostResponse", "logout"], faultsMax: 2 },
  { variant: "persist-locked", processes: 3, faults: ["crash"] },
  { variant: "locked", processes: 3, faults: ["crash"], server: { graceWindow: true } },
  { variant: "locked", processes: 2, faults: ["login", "logout"], server: { revokeFamilyOnReuse: true } },
  { variant: "locked", processes: 2, mutant: "unlock-before-save", calls: ["callAuth"] },
];

function verdicts(exploration: Exploration): [string, number][] {
  return [...exploration.violations.values()]
    .map((violation): [string, number] => [violation.invariant, violation.length])
    .sort(([left], [right]) => left.localeCompare(right));
}

function steps(exploration: Exploration): string[][] {
  return [...exploration.violations.values()].map((violation) =>
    traceOf(exploration, violation).steps.map((step) => `${step.actor}:${step.event}`),
  );
}

describe("compiled explorer vs the interpretive reference", () => {
  for (const input of CONFIGS) {
    for (const symmetry of [true, false]) {
      // Without symmetry the reference is slow at N = 3: two processes there keep the test fast.
      const sized = symmetry ? input : { ...input, processes: 2 };
      it(`${JSON.stringify(sized)} symmetry ${symmetry}`, () => {
        const config = makeConfig(sized);
        const reference = exploreReference(config, { symmetry });
        const compiled = explore(config, { symmetry });
        expect(reference.states).toBeGreaterThan(20);
        expect(compiled.states).toBe(reference.states);
        expect(compiled.transitions).toBe(reference.transitions);
        expect(compiled.depth).toBe(reference.depth);
        expect(keysOf(compiled)).toEqual(keysOf(reference));
        expect(verdicts(compiled)).toEqual(verdicts(reference));
        expect(steps(compiled)).toEqual(steps(reference));
        // Collapsed states (collapse.ts) are stored differently and explored identically: the same ids.
        const collapsed = explore(config, { symmetry, collapse: true });
        expect(collapsed.states).toBe(compiled.states);
        expect(collapsed.transitions).toBe(compiled.transitions);
        expect(collapsed.parents).toEqual(compiled.parents);
        expect(keysOf(collapsed)).toEqual(keysOf(compiled));
        expect(steps(collapsed)).toEqual(steps(compiled));
      });
    }
  }

  it("stops at the first violation at the same place", () => {
    const config = makeConfig({ variant: "legacy", processes: 2, calls: ["callAuth"], overlap: false });
    const reference = exploreReference(config, { stopAtFirstViolation: true });
    const compiled = explore(config, { stopAtFirstViolation: true });
    expect(compiled.complete).toBe(false);
    expect(compiled.states).toBe(reference.states);
    expect(verdicts(compiled)).toEqual(verdicts(reference));
  });
});

describe("the packed layout", () => {
  it("packs every field of the data, one byte each, with nothing hand-listed", () => {
    const layout = makeLayout(initialData(3));
    expect(layout.fieldNames).toContain("data.processes.2.pending.generation");
    expect(layout.fieldNames).toContain("data.faultsUsed.crash");
    expect(layout.fieldNames).toContain("locations.1");
    expect(layout.stride % 4).toBe(0);
  });

  it("packs a field added to the model's data, and decodes it back", () => {
    const sample = initialData(2) as ModelData & { lease: { until: number; held: boolean } };
    sample.lease = { until: 4, held: true };
    for (const process of sample.processes) Object.assign(process, { retries: 2 });
    const layout = makeLayout(sample);
    expect(layout.fieldNames).toContain("data.lease.until");
    expect(layout.fieldNames).toContain("data.processes.1.retries");
    const vector = new Uint8Array(layout.stride);
    layout.encode(sample, new Uint8Array([0, 3]), vector);
    const back = layout.blank() as typeof sample;
    const locations = new Uint8Array(2);
    layout.decode(vector, 0, back, locations);
    expect(back).toEqual(sample);
    expect([...locations]).toEqual([0, 3]);
  });

  it("fails naming the field when a value does not fit", () => {
    const data = initialData(2);
    const layout = makeLayout(data);
    data.processes[1] = { ...(data.processes[1] as ModelData["processes"][number]), response: 300 as never };
    expect(() => layout.encode(data, new Uint8Array(2), new Uint8Array(layout.stride))).toThrow(
      /data\.processes\.1\.response = 300/,
    );
  });

  it("refuses a field it cannot pack, naming it", () => {
    const sample = Object.assign(initialData(2), { note: "text" });
    expect(() => makeLayout(sample)).toThrow(/field note is text \(string\)/);
  });
});

describe("views and renaming on the packed form", () => {
  const sample = initialData(3);
  const layout = makeLayout(sample);
  const encoded = (data: ModelData) => {
    const vector = new Uint8Array(layout.stride);
    layout.encode(data, new Uint8Array(3), vector);
    return vector;
  };

  it("runs an update on the bytes with plain object semantics, then settles assigned records", () => {
    const view = makeViewFactory(layout, sample)(encoded(sample));
    const record = view.data.processes[1] as ModelData["processes"][number];
    const kept = record.cache;
    record.cache = { accountId: 2, family: 2, generation: 3 };
    record.poisoned = true;
    view.data.disk = { status: 1, snapshot: { ...kept, generation: 2 } };
    expect(kept.generation).toBe(1);
    view.settle();
    const expected = JSON.parse(JSON.stringify(sample)) as ModelData;
    Object.assign(expected.processes[1] as object, {
      cache: { accountId: 2, family: 2, generation: 3 },
      poisoned: true,
    });
    expected.disk = { status: 1, snapshot: { accountId: 1, family: 1, generation: 2 } };
    expect([...view.bytes]).toEqual([...encoded(expected)]);
    expect(view.data.processes[1]?.cache).toBe(kept);
    expect({ ...view.data.processes[1]?.cache }).toEqual({ accountId: 2, family: 2, generation: 3 });
  });

  it("fails naming the field when an update writes a value that does not fit", () => {
    const view = makeViewFactory(layout, sample)(encoded(sample));
    expect(() => {
      (view.data.processes[2] as ModelData["processes"][number]).response = 300 as never;
    }).toThrow(/data\.processes\.2\.response = 300/);
  });

  it("finds the generation fields by asking normalized, and renames as it does", () => {
    const positions = generationPositions(layout, sample);
    const names = [...positions].map((position) => layout.fieldNames[position] as string);
    expect(names).toContain("data.staleBelow");
    expect(names).toContain("data.processes.2.pending.generation");
    expect(names).toContain("data.families.1.previous");
    expect(names.some((name) => name.includes("accountId") || name.includes("response"))).toBe(false);
    const rename = makeGenerationRenamer(positions);
    for (let trial = 0; trial < 200; trial++) {
      const data = JSON.parse(JSON.stringify(sample)) as ModelData;
      const generation = () => [0, 1, 3, 7, 12, 40][(trial * 7 + names.length + trial ** 2) % 6] as number;
      for (const [index, process] of data.processes.entries()) {
        process.cache.generation = generation() + index;
        process.pending.generation = (generation() * (index + 1)) % 50;
      }
      data.staleBelow = 1 + (trial % 9);
      (data.families[1] as ModelData["families"][number]).current = 5 + (trial % 30);
      const vector = encoded(data);
      rename(vector);
      expect([...vector]).toEqual([...encoded(normalized(data))]);
    }
  });
});
