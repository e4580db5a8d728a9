/**
 * What keeps JSON text that JSON.parse has accepted from being I-JSON (RFC 7493), as JSON
 * Pointers, found in one more pass over the text (each string skipped with indexOf, the rest one
 * character at a time, no recursion: nesting thousands deep is fine):
 *
 * - **unpaired surrogates** (§2.1): JSON may escape half a pair alone (`"\ud800"`); that is no
 *   character, and PostgreSQL would store it as U+FFFD. Text decoded as UTF-8 holds none, so only
 *   strings with a `\u` escape of one are decoded and checked — names and values alike;
 * - **member names given twice** in one object (§2.3): JSON.parse keeps the last silently, so
 *   `{"title": "a", "title": "b"}` would mean one thing to Folio and another to anything in front
 *   of it that reads the first. Each repeated name is reported once, where it first repeats;
 * - **numbers beyond a double's range** (§2.2): JSON.parse reads `1e400` as Infinity, which
 *   JSON.stringify writes as `null` — stored, it would not be what was sent.
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

export interface IJsonIssues {
  unpaired: string[];
  repeated: string[];
  infinite: string[];
}

/** The JSON Pointer of the member or element `frame` is reading (the root itself without one). */
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

/** What may follow a number's first character. */
const NUMBER_PART = /[0-9eE+.-]/;

/** A `\u` escape of a surrogate (U+D800–U+DFFF): only such a string can hold an unpaired one. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

export function iJsonIssues(text: string, root: string): IJsonIssues {
  const issues: IJsonIssues = { unpaired: [], repeated: [], infinite: [] };
  let top: Frame | undefined;
  let expectingName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const end = closingQuote(text, i);
      const raw = text.slice(i + 1, end);
      const decoded = () => (raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw);
      const isName = top?.object === true && expectingName;
      if (isName) {
        const name = decoded();
        top!.name = name;
        top!.names ??= new Set();
        if (!top!.names.has(name)) top!.names.add(name);
        else if (!top!.repeated?.has(name)) {
          (top!.repeated ??= new Set()).add(name);
          issues.repeated.push(pointerOf(top, root));
        }
        expectingName = false;
      }
      // A name holding one is reported at its own pointer, before its value.
      if (SURROGATE_ESCAPE.test(raw) && !decoded().isWellFormed()) issues.unpaired.push(pointerOf(top, root));
      i = end;
    } else if (c === '-' || (c! >= '0' && c! <= '9')) {
      let end = i + 1;
      while (end < text.length && NUMBER_PART.test(text[end]!)) end++;
      // Only an exponent, or hundreds of digits, reach past a double: most numbers are not parsed again.
      const number = text.slice(i, end);
      if ((number.length > 300 || /[eE]/.test(number)) && !Number.isFinite(Number(number))) issues.infinite.push(pointerOf(top, root));
      i = end - 1;
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
  return issues;
}
