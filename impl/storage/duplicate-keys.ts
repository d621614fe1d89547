/**
 * Duplicate object keys in a JSON text. JSON.parse keeps the last of two equal keys; Codex's serde derive
 * rejects a struct field given twice ("duplicate field `tokens`") and ignores unknown fields however often they
 * come. So the parser asks this scanner which keys repeat, and rejects the ones that are fields of its schema.
 *
 * Why a scanner of its own: no JSON parser in Node reports duplicates, and a full parser with that option would
 * be a dependency for forty lines. The text must already have passed JSON.parse: the scanner trusts its syntax
 * and only tracks strings, objects and arrays.
 */

/** One key seen twice: `path` is the dotted path of the object holding it ("" for the root), `key` the key. */
export interface DuplicateKey {
  path: string;
  key: string;
}

interface Frame {
  kind: "object" | "array";
  path: string;
  keys: Set<string>;
  /** The last key read in this object: the name of the value being read. */
  lastKey: string;
}

/** Objects nested deeper are not credentials; the scan stops there (JSON.parse already accepted the text). */
const DEPTH_MAX = 64;

/** The end index (exclusive) of the string literal starting at `start` (a quote). */
function stringEnd(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const character = text[index];
    if (character === "\\") index += 2;
    else if (character === '"') return index + 1;
    else index += 1;
  }
  return text.length;
}

function childPath(parent: Frame | undefined): string {
  if (parent === undefined) return "";
  if (parent.kind === "array") return `${parent.path}[]`;
  return parent.path === "" ? parent.lastKey : `${parent.path}.${parent.lastKey}`;
}

/** Every repeated key, in text order. Keys are compared after unescaping, as serde compares field names. */
export function duplicateKeys(text: string): DuplicateKey[] {
  const found: DuplicateKey[] = [];
  const stack: Frame[] = [];
  let expectingKey = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    const top = stack[stack.length - 1];
    if (character === '"') {
      const end = stringEnd(text, index);
      if (expectingKey && top?.kind === "object") {
        const key = JSON.parse(text.slice(index, end)) as string;
        if (top.keys.has(key)) found.push({ path: top.path, key });
        top.keys.add(key);
        top.lastKey = key;
        expectingKey = false;
      }
      index = end - 1;
    } else if (character === "{" || character === "[") {
      if (stack.length >= DEPTH_MAX) break;
      const kind = character === "{" ? "object" : "array";
      stack.push({ kind, path: childPath(top), keys: new Set(), lastKey: "" });
      expectingKey = kind === "object";
    } else if (character === "}" || character === "]") {
      stack.pop();
      expectingKey = false;
    } else if (character === ",") {
      expectingKey = top?.kind === "object";
    }
  }
  return found;
}
