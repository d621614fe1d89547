/**
 * A small strict XML reader for the tests that check authrace's JUnit reports: elements, attributes, text and
 * the five named entities plus numeric references; a declaration and comments are skipped. Anything malformed
 * (a mismatched or unclosed tag, a stray `<` or `&`, a duplicate attribute, text after the root) throws, so a
 * report that parses here is well-formed. Scans character by character, no regular expressions.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (between its children), entities decoded. */
  text: string;
}

const NAMED_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isNameCharacter(character: string): boolean {
  return (
    (character >= "a" && character <= "z") ||
    (character >= "A" && character <= "Z") ||
    (character >= "0" && character <= "9") ||
    character === "-" ||
    character === "_" ||
    character === ":" ||
    character === "."
  );
}

function isSpace(character: string | undefined): boolean {
  return character === " " || character === "\n" || character === "\t" || character === "\r";
}

class Reader {
  position = 0;
  constructor(private readonly source: string) {}

  fail(what: string): never {
    throw new Error(`XML: ${what} at offset ${this.position}`);
  }
  peek(text: string): boolean {
    return this.source.startsWith(text, this.position);
  }
  expect(text: string): void {
    if (!this.peek(text)) this.fail(`expected '${text}'`);
    this.position += text.length;
  }
  skipSpace(): void {
    while (isSpace(this.source[this.position])) this.position += 1;
  }
  skipPast(end: string): void {
    const found = this.source.indexOf(end, this.position);
    if (found < 0) this.fail(`no '${end}'`);
    this.position = found + end.length;
  }
  atEnd(): boolean {
    return this.position >= this.source.length;
  }

  name(): string {
    const start = this.position;
    while (!this.atEnd() && isNameCharacter(this.source[this.position] as string)) this.position += 1;
    if (this.position === start) this.fail("expected a name");
    return this.source.slice(start, this.position);
  }

  /** Characters up to (not including) `stop`, entities decoded; `<` inside is an error. */
  characters(stop: string): string {
    let text = "";
    while (!this.atEnd() && !this.peek(stop)) {
      const character = this.source[this.position] as string;
      if (character === "<") this.fail("'<' in text");
      if (character === "&") {
        text += this.entity();
        continue;
      }
      text += character;
      this.position += 1;
    }
    return text;
  }

  entity(): string {
    const end = this.source.indexOf(";", this.position);
    if (end < 0) this.fail("unterminated entity");
    const body = this.source.slice(this.position + 1, end);
    this.position = end + 1;
    if (body.startsWith("#x")) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith("#")) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    const named = NAMED_ENTITIES[body];
    if (named === undefined) this.fail(`unknown entity '&${body};'`);
    return named;
  }

  skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.peek("<?")) this.skipPast("?>");
      else if (this.peek("<!--")) this.skipPast("-->");
      else return;
    }
  }

  element(): XmlElement {
    this.expect("<");
    const element: XmlElement = { name: this.name(), attributes: {}, children: [], text: "" };
    for (;;) {
      this.skipSpace();
      if (this.peek("/>")) {
        this.position += 2;
        return element;
      }
      if (this.peek(">")) break;
      const attribute = this.name();
      if (attribute in element.attributes) this.fail(`duplicate attribute '${attribute}'`);
      this.skipSpace();
      this.expect("=");
      this.skipSpace();
      const quote = this.source[this.position];
      if (quote !== '"' && quote !== "'") this.fail("expected a quoted value");
      this.position += 1;
      element.attributes[attribute] = this.characters(quote);
      this.expect(quote);
    }
    this.position += 1;
    for (;;) {
      if (this.atEnd()) this.fail(`<${element.name}> is not closed`);
      if (this.peek("</")) {
        this.position += 2;
        const closing = this.name();
        if (closing !== element.name) this.fail(`</${closing}> closes <${element.name}>`);
        this.skipSpace();
        this.expect(">");
        return element;
      }
      if (this.peek("<!--")) this.skipPast("-->");
      else if (this.peek("<")) element.children.push(this.element());
      else element.text += this.characters("<");
    }
  }
}

/** The root element of `source`; throws on anything that is not well-formed. */
export function parseXml(source: string): XmlElement {
  const reader = new Reader(source);
  reader.skipMisc();
  const root = reader.element();
  reader.skipMisc();
  if (!reader.atEnd()) reader.fail("content after the root element");
  return root;
}

/** Direct children named `name`. */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((child) => child.name === name);
}
