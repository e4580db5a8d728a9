/**
 * Member names given twice in one object, as JSON Pointers, from JSON text JSON.parse has already
 * accepted. I-JSON forbids them (RFC 7493 §2.3) and JSON.parse keeps the last silently, so a body
 * `{"title": "a", "title": "b"}` would mean one thing to Folio and another to anything in front of
 * it that reads the first. JSON.parse cannot tell; this reads the text once more — each string
 * skipped with indexOf, the rest one character at a time — keeping each open object's names.
 */
import { token } from './issues.ts';

/**
 * An open object or array: where it is, and the member (its name) or element (its index) being
 * read. Pointers and name sets are made only when needed — a megabyte of `{}` or of numbers
 * costs a pass over the text, not an object per value.
 */
interface Frame {
  /** The frame it sits in (undefined: the body), and its member or element there. */
  parent?: Frame;
  object: boolean;
  name?: string;
  index: number;
  names?: Set<string>;
  /** The names already reported as given more than once. */
  repeated?: Set<string>;
}

/** The JSON Pointer of the member or element `frame` is reading. */
function pointerOf(frame: Frame | undefined, root: string): string {
  const tokens: string[] = [];
  for (let at = frame; at; at = at.parent) tokens.push(at.object ? token(at.name ?? '') : String(at.index));
  return [root, ...tokens.reverse()].join('/');
}

/** Where the string opened at `start` closes: the next `"` not escaped by an odd run of backslashes. */
function closingQuote(text: string, start: number): number {
  let end = start;
  for (;;) {
    end = text.indexOf('"', end + 1);
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return end;
  }
}

export function repeatedMembers(text: string, root: string): string[] {
  const found: string[] = [];
  let top: Frame | undefined;
  let expectingName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = closingQuote(text, i);
      if (top?.object && expectingName) {
        const raw = text.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        top.name = name;
        top.names ??= new Set();
        // Each repeated name once, however many times it repeats, in the order of the repeats.
        if (!top.names.has(name)) top.names.add(name);
        else if (!top.repeated?.has(name)) {
          (top.repeated ??= new Set()).add(name);
          found.push(pointerOf(top, root));
        }
        expectingName = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      top = { parent: top, object: c === '{', index: 0 };
      expectingName = c === '{';
    } else if (c === '}' || c === ']') {
      top = top?.parent;
    } else if (c === ',' && top) {
      if (top.object) expectingName = true;
      else top.index++;
    }
  }
  return found;
}
