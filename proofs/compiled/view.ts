/**
 * Views: the table's own guards and updates run straight on a packed state, with no record decoded or
 * encoded, and every byte they read or write is reported to the tracer (learned.ts learns the closures
 * through it). A view is a `ModelData`-shaped tree built once, whose number and boolean fields are own
 * enumerable accessors over one byte vector (so `{ ...record.pending }` and `Object.entries` read the bytes)
 * and whose nested records and arrays are ordinary properties holding the view's own objects.
 *
 * Updates also assign whole records (`record.cache = snapshot`, `data.disk = { status, snapshot }`). Such an
 * assignment is left as it is while the update runs, so the update sees plain object semantics (a record it
 * kept keeps its values); `settle()`, called after the update, reads every record put in place of one of the
 * view's own objects (all reads first, then all writes, deepest first: an assignment over an ancestor wins),
 * writes its fields into the bytes, and puts the view's own objects back. The tree and its byte positions
 * come from the layout's walk (layout.ts `fields`), never from a list of fields: a field added to the
 * model's data is viewed without an edit.
 *
 * Accessor pairs are shared by every view (one pair per relative byte and kind), so records of one shape
 * (every cache, pending and disk snapshot) share one V8 map and their getters inline.
 */
import type { ModelData } from "../../model/data.js";
import type { Field, Key, Layout } from "./layout.js";

export interface View {
  /** The vector the view reads and writes (one state of the layout's stride). */
  readonly bytes: Uint8Array;
  readonly data: ModelData;
  /** After an update: writes the records it assigned into `bytes` and puts the view's own objects back. */
  settle(): void;
}

/** A view node: its bytes, the position its fields are relative to, and the layout's field names (for
 * messages), all non-enumerable. */
interface Node {
  $v: Uint8Array;
  $o: number;
  $n: readonly string[];
}

interface Accessor {
  get(this: Node): unknown;
  set(this: Node, value: unknown): void;
}

type Fail = (position: number, value: unknown) => never;

function failAt(names: readonly string[], position: number, value: unknown): never {
  throw new Error(
    `compiled view: ${names[position] ?? `byte ${position}`} = ${String(value)} does not fit ` +
      "the packed state (an integer in [0, 255], or a boolean)",
  );
}

/** Told of every byte a view reads or writes: learned.ts learns what a step depends on through it. */
export interface Tracer {
  read(bytes: Uint8Array, position: number): void;
  wrote(bytes: Uint8Array, position: number): void;
}

const UNTRACED: Tracer = {
  read() {},
  wrote() {},
};

/** The tracer every view reports to: none but while learned.ts runs the closures. */
let tracer: Tracer = UNTRACED;

/** Makes `next` the tracer of every view, until `traceWith(null)`. */
export function traceWith(next: Tracer | null): void {
  tracer = next ?? UNTRACED;
}

function makeAccessor(kind: Field["kind"], relative: number): Accessor {
  if (kind === "boolean") {
    return {
      get() {
        tracer.read(this.$v, this.$o + relative);
        return this.$v[this.$o + relative] === 1;
      },
      set(value) {
        if (value !== true && value !== false) failAt(this.$n, this.$o + relative, value);
        this.$v[this.$o + relative] = value ? 1 : 0;
        tracer.wrote(this.$v, this.$o + relative);
      },
    };
  }
  return {
    get() {
      tracer.read(this.$v, this.$o + relative);
      return this.$v[this.$o + relative];
    },
    set(value) {
      if (((value as number) & 255) !== value) failAt(this.$n, this.$o + relative, value);
      this.$v[this.$o + relative] = value as number;
      tracer.wrote(this.$v, this.$o + relative);
    },
  };
}

/**
 * Accessor pairs by kind and relative byte, shared by every view of every exploration in this process (not
 * per layout): verify runs a hundred explorations in one process, and the table's closures are shared code
 * whose property caches would turn megamorphic, with one map per exploration, if each had pairs of its own.
 */
const ACCESSORS = new Map<string, Accessor>();

function accessor(kind: Field["kind"], relative: number): Accessor {
  const name = `${kind}:${relative}`;
  let pair = ACCESSORS.get(name);
  if (pair === undefined) {
    pair = makeAccessor(kind, relative);
    ACCESSORS.set(name, pair);
  }
  return pair;
}

/** A link from a node to one of the view's own objects; `settle` checks it after every update. */
interface Link {
  parent: number;
  key: Key;
  child: number;
  /** The fields under the child, paths relative to it. */
  fields: Field[];
}

interface Tree {
  nodes: object[];
  links: Link[];
}

function isRecord(value: unknown): value is object {
  return value !== null && typeof value === "object";
}

function pathKey(path: readonly Key[]): string {
  return path.join(".");
}

export type ViewFactory = (bytes: Uint8Array) => View;

export function makeViewFactory(layout: Layout, sample: ModelData): ViewFactory {
  const positions = new Map(layout.fields.map((field) => [pathKey(field.path), field]));
  const names = layout.fieldNames;
  const fail: Fail = (position, value) => failAt(names, position, value);
  const fieldsUnder = (path: readonly Key[]): Field[] => {
    const prefix = `${pathKey(path)}.`;
    return layout.fields
      .filter((field) => path.length === 0 || pathKey(field.path).startsWith(prefix))
      .map((field) => ({ ...field, path: field.path.slice(path.length) }));
  };

  /** A node's fields are relative to its first own field, so a record's accessors do not depend on N. */
  const baseOf = (value: object, path: readonly Key[]): number => {
    for (const [key, child] of Object.entries(value)) {
      if (isRecord(child)) continue;
      const property = Array.isArray(value) ? Number(key) : key;
      return positions.get(pathKey([...path, property]))?.position ?? 0;
    }
    return 0;
  };

  function build(value: object, path: Key[], bytes: Uint8Array, tree: Tree): number {
    const base = baseOf(value, path);
    const node = (Array.isArray(value) ? [] : {}) as Record<Key, unknown>;
    Object.defineProperty(node, "$v", { value: bytes });
    Object.defineProperty(node, "$o", { value: base });
    Object.defineProperty(node, "$n", { value: names });
    const index = tree.nodes.push(node) - 1;
    for (const [key, child] of Object.entries(value)) {
      const property = Array.isArray(value) ? Number(key) : key;
      const childPath = [...path, property];
      if (isRecord(child)) {
        const childIndex = build(child, childPath, bytes, tree);
        node[property] = tree.nodes[childIndex];
        tree.links.push({ parent: index, key: property, child: childIndex, fields: fieldsUnder(childPath) });
        continue;
      }
      const field = positions.get(pathKey(childPath));
      if (field === undefined) throw new Error(`compiled view: no byte for ${pathKey(childPath)}`);
      Object.defineProperty(node, property, {
        ...accessor(field.kind, field.position - base),
        enumerable: true,
      });
    }
    return index;
  }

  return (bytes) => {
    const tree: Tree = { nodes: [], links: [] };
    build(sample, [], bytes, tree);
    const settle = compileSettle(tree, bytes, fail);
    return { bytes, data: tree.nodes[0] as ModelData, settle };
  };
}

function access(root: string, path: readonly Key[]): string {
  return root + path.map((key) => `[${JSON.stringify(key)}]`).join("");
}

function readLine(field: Field, source: string): string {
  const position = field.position;
  if (field.kind === "boolean") {
    return `x = ${source}; if (x !== true && x !== false) fail(${position}, x); t[${position}] = x ? 1 : 0;`;
  }
  return `x = ${source}; if ((x & 255) !== x) fail(${position}, x); t[${position}] = x;`;
}

/**
 * `settle`, generated once per view (straight-line code over the links, see the header comment): most
 * updates assign no record, and then it is one identity check per link.
 */
function compileSettle(tree: Tree, bytes: Uint8Array, fail: Fail): () => void {
  const check: string[] = [];
  const write: string[] = [];
  for (const [index, link] of tree.links.entries()) {
    const held = `${access(`n[${link.parent}]`, [link.key])}`;
    check.push(
      `const x${index} = ${held}; const d${index} = x${index} !== n[${link.child}];`,
      `if (d${index}) {`,
      ...link.fields.map((field) => `  ${readLine(field, access(`x${index}`, field.path))}`),
      "}",
    );
    write.unshift(
      `if (d${index}) {`,
      ...link.fields.map(
        (field) => `  b[${field.position}] = t[${field.position}]; w(b, ${field.position});`,
      ),
      `  ${held} = n[${link.child}];`,
      "}",
    );
  }
  const dirty = tree.links.map((_, index) => `d${index}`).join(" || ") || "false";
  const body = ["let x;", ...check, `if (!(${dirty})) return;`, ...write].join("\n");
  const temporary = new Uint8Array(bytes.length);
  // Generated code: identity checks and straight-line reads and stores over the walked paths.
  const wrote = (written: Uint8Array, position: number) => tracer.wrote(written, position);
  return new Function("n", "b", "t", "fail", "w", `"use strict"; return function settle() {\n${body}\n};`)(
    tree.nodes,
    bytes,
    temporary,
    fail,
    wrote,
  ) as () => void;
}
