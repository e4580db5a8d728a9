/**
 * Member names given twice in one object, as JSON Pointers, from JSON text JSON.parse has already
 * accepted. I-JSON forbids them (RFC 7493 §2.3) and JSON.parse keeps the last silently, so a body
 * `{"title": "a", "title": "b"}` would mean one thing to Folio and another to anything in front of
 * it that reads the first. JSON.parse cannot tell; this reads the text once more — each string
 * skipped with indexOf, the rest one character at a time — keeping each open object's names.
 */
import { token } from './issues.ts';

/** An open object (its names so far) or array (its next index), and where it is. */
interface Frame {
  pointer: string;
  names?: Set<string>;
  index: number;
  /** The member or element being read: where a value that opens here sits. */
  at: string;
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
  const stack: Frame[] = [];
  let expectingName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack.at(-1);
    if (c === '"') {
      const end = closingQuote(text, i);
      if (top?.names && expectingName) {
        const raw = text.slice(i + 1, end);
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        top.at = `${top.pointer}/${token(name)}`;
        if (top.names.has(name)) found.push(top.at);
        else top.names.add(name);
        expectingName = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      const pointer = top ? top.at : root;
      stack.push(c === '{' ? { pointer, names: new Set(), index: 0, at: pointer } : { pointer, index: 0, at: `${pointer}/0` });
      expectingName = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.names) expectingName = true;
      else top.at = `${top.pointer}/${++top.index}`;
    }
  }
  return found;
}
