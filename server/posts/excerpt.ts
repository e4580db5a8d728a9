const MAX = 280;

/**
 * The start of a Markdown body as plain text, for listings when the author gave no excerpt.
 * Deliberately rough: markup characters are removed, not rendered. Cut at a word boundary.
 */
export function deriveExcerpt(markdown: string): string {
  const plain = markdown
    .slice(0, 4 * MAX)
    .replace(/```[\s\S]*?(```|$)/g, ' ') // fenced code
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images → alt text
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links → text
    .replace(/<[^>]*>/g, ' ') // inline HTML
    .replace(/^\s{0,3}(#{1,6}|>|[-*+]|\d+[.)])\s+/gm, '') // headings, quotes, list markers
    .replace(/[*_~`]+/g, '') // emphasis and code spans
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length <= MAX) return plain;
  const cut = plain.slice(0, MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
