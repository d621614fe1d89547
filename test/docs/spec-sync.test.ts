// Proves that docs/spec.md cannot drift from the model: its generated sections (steps, invariants, variant
// verdicts, per-variant state diagrams, the verdict matrix, the counterexample diagrams) are exactly what
// proofs/spec-docs.ts produces now from the transition table and proofs/theorems.json; that every generated
// section has its marker and no marker is unknown; and that regenerating keeps hand-written prose byte for
// byte. Fix a failure with `authrace docs` (after `authrace verify --update` if the verdicts changed).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadPinned } from "../../proofs/run.js";
import { specPath, specSections, updateSpec } from "../../proofs/spec-docs.js";

describe("docs/spec.md", () => {
  it("matches what `authrace docs` would write", () => {
    const document = readFileSync(specPath(), "utf8");
    const update = updateSpec(document, specSections(loadPinned()));
    expect(update.unknown, "markers the generator does not know").toEqual([]);
    expect(update.missing, "generated sections without a marker in docs/spec.md").toEqual([]);
    expect(update.changed, "sections out of date: run `authrace docs`").toEqual([]);
    expect(update.text).toBe(document);
  });
});

describe("updateSpec", () => {
  const sections = new Map([["one", "new body"]]);

  it("replaces only what is between the markers", () => {
    const document = "prose before\n<!-- generated:one -->\nold body\n<!-- /generated -->\nprose after\n";
    const update = updateSpec(document, sections);
    expect(update.text).toBe(
      "prose before\n<!-- generated:one -->\nnew body\n<!-- /generated -->\nprose after\n",
    );
    expect(update.changed).toEqual(["one"]);
  });

  it("reports unknown markers and missing sections", () => {
    const update = updateSpec("<!-- generated:two -->\nx\n<!-- /generated -->\n", sections);
    expect(update.unknown).toEqual(["two"]);
    expect(update.missing).toEqual(["one"]);
    expect(update.changed).toEqual([]);
  });
});
