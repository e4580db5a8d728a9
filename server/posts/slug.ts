import slugify from '@sindresorhus/slugify';

export const MAX_SLUG = 100;
// Room for a `-NNNN` suffix when the base slug is taken.
const MAX_BASE = MAX_SLUG - 8;

/** `Hello, Wörld!` → `hello-woerld`; a title with nothing to transliterate becomes `post`. */
export function slugFromTitle(title: string): string {
  const slug = slugify(title).slice(0, MAX_BASE).replace(/-+$/, '');
  return slug || 'post';
}

/** The first of `base`, `base-2`, `base-3`, … that is not taken. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
