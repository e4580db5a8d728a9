const MAX = 280;

/** The first `n` UTF-16 units of `text`, less a high surrogate left without its pair: never half a character (an emoji's), which strict JSON readers refuse. */
function head(text: string, n: number): string {
  const cut = text.slice(0, n);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}

/**
 * The start of a Markdown body as plain text, for listings when the author gave no excerpt.
 * Deliberately rough: markup characters are removed, not rendered. Cut at a word boundary.
 */
export function deriveExcerpt(markdown: string): string {
  const plain = head(markdown, 4 * MAX)
    .replace(/```[\s\S]*?(```|$)/g, ' ') // fenced code
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images → alt text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links → text
    .replace(/<[^>]*>/g, ' ') // inline HTML
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '') // headings, quotes, list markers
    .replace(/[*_~`]+/g, '') // emphasis and code spans
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= MAX) return plain;
  const cut = head(plain, MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
