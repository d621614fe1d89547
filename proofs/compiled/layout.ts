/**
 * The packed layout of explorer states: one byte per field, process slices first, then the world.
 *
 * The layout is not a hand-kept list of fields: it is found by walking a sample of the model's data
 * (model/data.ts `initialData`). Every leaf is a field: a number (a small non-negative integer: an account,
 * a dense generation rank, a status, a counter) or a boolean. `processes` is the one array of per-process
 * records; each process's slice holds its location (an index into LOCATIONS) and then its record's leaves.
 * Every other array is a fixed-length tuple (the families, indexed by account). A field added to ModelData
 * joins the layout by itself; a field of another type stops the explorer at once, naming its path.
 *
 * Encoding and decoding are compiled (generated once per configuration with `new Function`) from the
 * walked paths; they serve the initial state and traces. The hot loop never decodes: the table's guards and
 * updates run on views over the bytes (view.ts), which find their fields through `fields` below.
 * One byte per field is the width bound: a value outside [0, 255] is an explorer bug or a model whose
 * generation ranks grew without bound, and it throws naming the field rather than wrapping silently.
 */
import { LOCATIONS } from "../../model/branch.js";
import type { ModelData } from "../../model/data.js";

export type Key = string | number;

export interface Leaf {
  path: Key[];
  kind: "number" | "boolean";
}

/** One field of the data (a process's field once per process) and its byte position within a state. */
export interface Field extends Leaf {
  position: number;
}

export interface Layout {
  processes: number;
  /** Bytes of one process's slice: its location, then its record's fields, padded to whole 32-bit words
   * (symmetry compares slices a word at a time, canonical.ts). */
  processBytes: number;
  /** Where the world's fields start (after every process slice). */
  worldOffset: number;
  /** Bytes of one state, padded to whole 32-bit words (the pad stays 0). */
  stride: number;
  words: number;
  /** Field names by byte position within a state, for messages and tests. */
  fieldNames: string[];
  /** Every data field with its full path from the data's root (`processes`, index, ...) and its byte. */
  fields: Field[];
  /** Writes `data` and `locations` (indices into LOCATIONS) into `out` at offset 0. */
  encode(data: ModelData, locations: Uint8Array, out: Uint8Array): void;
  /** Reads the state at `offset` of `vector` into `data` (a `blank()` of this layout) and `locations`. */
  decode(vector: Uint8Array, offset: number, data: ModelData, locations: Uint8Array): void;
  /** A fresh data record of the sample's shape (its own objects, none shared), for `decode` to fill. */
  blank(): ModelData;
}

const WORD_BYTES = 4;
/** Location indices fit the location byte; a location list grown past it would be a model change to see. */
const LOCATION_CODES_MAX = 255;

export function walk(value: unknown, path: Key[], leaves: Leaf[]): void {
  if (typeof value === "number") leaves.push({ path, kind: "number" });
  else if (typeof value === "boolean") leaves.push({ path, kind: "boolean" });
  else if (Array.isArray(value)) {
    for (const [index, child] of value.entries()) walk(child, [...path, index], leaves);
  } else if (value !== null && typeof value === "object") {
    for (const [key, child] of Object.entries(value)) walk(child, [...path, key], leaves);
  } else {
    throw new Error(
      `compiled layout: model data field ${path.join(".")} is ${String(value)} (${typeof value}); ` +
        "the packed explorer stores numbers and booleans only",
    );
  }
}

/** The leaves of one process record, and of the data without its processes. */
function leavesOf(sample: ModelData): { process: Leaf[]; world: Leaf[] } {
  const first = sample.processes[0];
  if (first === undefined) throw new Error("compiled layout: the sample has no process to walk");
  const process: Leaf[] = [];
  walk(first, [], process);
  const world: Leaf[] = [];
  for (const [key, child] of Object.entries(sample)) {
    if (key !== "processes") walk(child, [key], world);
  }
  return { process, world };
}

function access(root: string, path: Key[]): string {
  return root + path.map((key) => `[${JSON.stringify(key)}]`).join("");
}

/** One field's store; `field` is an expression for its byte position (it names the field in an error). */
function storeLine(leaf: Leaf, source: string, target: string, field: string): string {
  if (leaf.kind === "boolean") {
    return `x = ${source}; if (x !== true && x !== false) fail(${field}, x); ${target} = x ? 1 : 0;`;
  }
  return `x = ${source}; if ((x & 255) !== x) fail(${field}, x); ${target} = x;`;
}

function loadLine(leaf: Leaf, target: string, source: string): string {
  return leaf.kind === "boolean" ? `${target} = ${source} === 1;` : `${target} = ${source};`;
}

type Encode = Layout["encode"];
type Decode = Layout["decode"];

export function makeLayout(sample: ModelData): Layout {
  if (LOCATIONS.length > LOCATION_CODES_MAX)
    throw new Error("compiled layout: too many locations for a byte");
  const processes = sample.processes.length;
  const leaves = leavesOf(sample);
  const processBytes = Math.ceil((1 + leaves.process.length) / WORD_BYTES) * WORD_BYTES;
  const worldOffset = processes * processBytes;
  const bytes = worldOffset + leaves.world.length;
  const words = Math.ceil(bytes / 4);
  const fieldNames: string[] = [];
  for (let index = 0; index < processes; index++) {
    fieldNames.push(`locations.${index}`);
    for (const leaf of leaves.process) fieldNames.push(`data.processes.${index}.${leaf.path.join(".")}`);
    while (fieldNames.length % processBytes !== 0) fieldNames.push(`pad.${index}`);
  }
  for (const leaf of leaves.world) fieldNames.push(`data.${leaf.path.join(".")}`);
  const fields: Field[] = [];
  for (let index = 0; index < processes; index++) {
    for (const [field, leaf] of leaves.process.entries()) {
      const position = index * processBytes + 1 + field;
      fields.push({ path: ["processes", index, ...leaf.path], kind: leaf.kind, position });
    }
  }
  for (const [field, leaf] of leaves.world.entries()) fields.push({ ...leaf, position: worldOffset + field });

  const processStores = leaves.process.map((leaf, field) =>
    storeLine(leaf, access("p", leaf.path), `o[b + ${field + 1}]`, `b + ${field + 1}`),
  );
  const worldStores = leaves.world.map((leaf, field) =>
    storeLine(leaf, access("d", leaf.path), `o[${worldOffset + field}]`, `${worldOffset + field}`),
  );
  const encodeBody = [
    "let x;",
    `for (let i = 0; i < ${processes}; i++) {`,
    `  const p = d.processes[i]; const b = i * ${processBytes}; o[b] = l[i];`,
    ...processStores.map((line) => `  ${line}`),
    "}",
    ...worldStores,
  ].join("\n");
  const processLoads = leaves.process.map((leaf, field) =>
    loadLine(leaf, access("p", leaf.path), `v[b + ${field + 1}]`),
  );
  const worldLoads = leaves.world.map((leaf, field) =>
    loadLine(leaf, access("d", leaf.path), `v[s + ${worldOffset + field}]`),
  );
  const decodeBody = [
    `for (let i = 0; i < ${processes}; i++) {`,
    `  const p = d.processes[i]; const b = s + i * ${processBytes}; l[i] = v[b];`,
    ...processLoads.map((line) => `  ${line}`),
    "}",
    ...worldLoads,
  ].join("\n");
  const fail = (field: number, value: unknown): never => {
    throw new Error(
      `compiled layout: ${fieldNames[field] ?? `field ${field}`} = ${String(value)} does not fit the ` +
        "packed state (an integer in [0, 255], or a boolean)",
    );
  };
  // Generated code: straight-line reads and stores over the walked paths (see the header comment).
  const encode = new Function("fail", `"use strict"; return function encode(d, l, o) {\n${encodeBody}\n};`)(
    fail,
  ) as Encode;
  const decode = new Function(
    `"use strict"; return function decode(v, s, d, l) {\n${decodeBody}\n};`,
  )() as Decode;
  // Through JSON, not structuredClone: the sample shares snapshot objects (every cache and the disk hold
  // one R0), and decoding in place needs every field in an object of its own.
  const blank = () => JSON.parse(JSON.stringify(sample)) as ModelData;
  return {
    processes,
    processBytes,
    worldOffset,
    stride: words * 4,
    words,
    fieldNames,
    fields,
    encode,
    decode,
    blank,
  };
}
