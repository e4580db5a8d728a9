/**
 * Realistic, deterministic sample posts: varied titles, Markdown bodies of varied length,
 * tags with a skewed distribution, ~80% published, created over the two years before `until`.
 * Everything is drawn from one seeded generator, in a fixed order, so a seed always gives the
 * same posts (ids aside: see seed.ts).
 *
 * The generator is in sample-posts/random.ts, the word lists in sample-posts/vocabulary.ts, titles
 * and bodies in sample-posts/text.ts; this module makes authors and posts of them.
 */
import { Random, Weighted, zipf } from './sample-posts/random.ts';
import { body, sentence, title } from './sample-posts/text.ts';
import { PERSONAS, TAGS } from './sample-posts/vocabulary.ts';

export { Random } from './sample-posts/random.ts';

const DAY = 86_400_000;
const TWO_YEARS = 730 * DAY;

/**
 * Topic drift, as real archives have: the oldest posts (those of the first 3% of the two years,
 * about 2% of them) end with a line whose word no later post uses — common long ago, absent
 * since, the case a search must answer without walking every newer post (the scale bench asks
 * for it). Appended, not drawn: the rest of every post stays what the seed always made.
 */
export const ERA_WORD = 'mainframe';
const ERA_LINE = `\n\nFrom the ${ERA_WORD} era.`;
const ERA_ENDS = 0.97 * TWO_YEARS;

/** TAGS is ordered from most to least used: Zipf weights keep it that way. */
const TAG_PICKER = new Weighted(TAGS, zipf(TAGS.length, 1.1));
/** How many tags a post has: 0–6, mostly 1–3. */
const TAG_COUNT = new Weighted([0, 1, 2, 3, 4, 5, 6], [10, 25, 30, 18, 10, 5, 2]);

// ---------------------------------------------------------------------------------------------
// Authors.

/** Sample accounts live under this domain (reserved, never deliverable), which is how a later seed finds them again. */
export const AUTHOR_EMAIL_DOMAIN = 'sample.folio.invalid';

export interface SampleAuthor {
  username: string;
  displayName: string;
  email: string;
  createdAt: number;
}

/** `count` authors, all created before the first post can be (two years before `until`, ms). */
export function sampleAuthors(random: Random, count: number, until: number): SampleAuthor[] {
  const before = until - TWO_YEARS;
  return Array.from({ length: count }, (_, i) => {
    const [base, name] = PERSONAS[i % PERSONAS.length] as (typeof PERSONAS)[number];
    const round = Math.floor(i / PERSONAS.length);
    const username = round === 0 ? base : `${base.slice(0, 26)}_${round + 1}`;
    return {
      username,
      displayName: round === 0 ? name : `${name} ${round + 1}`,
      email: `${username}@${AUTHOR_EMAIL_DOMAIN}`,
      createdAt: before - random.int(1, 90) * DAY - random.int(0, DAY - 1),
    };
  });
}

/** Picks authors with Zipf weights: a few write most posts. */
export function authorPicker(count: number): (random: Random) => number {
  const picker = new Weighted(
    Array.from({ length: count }, (_, i) => i),
    zipf(count, 0.9),
  );
  return (random) => picker.pick(random);
}

// ---------------------------------------------------------------------------------------------
// Posts.

export interface SamplePost {
  title: string;
  body: string;
  excerpt: string | null;
  status: 'draft' | 'published';
  tags: string[];
  createdAt: number;
  updatedAt: number;
  publishedAt: number | null;
}

/**
 * `count` creation times over the two years before `until`, ascending, in milliseconds. Denser
 * towards the present (a blog that grows): age = span · u^1.4.
 */
export function creationTimes(random: Random, count: number, until: number): Float64Array {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) times[i] = until - Math.floor(TWO_YEARS * random.next() ** 1.4) - 1;
  return times.sort();
}

/** Delay drawn from an exponential distribution with the given mean, in ms. */
const exponential = (random: Random, mean: number) => Math.floor(-Math.log(1 - random.next()) * mean);

export function samplePost(random: Random, createdAt: number, until: number): SamplePost {
  const postTitle = title(random);
  const postBody = body(random) + (until - createdAt > ERA_ENDS ? ERA_LINE : '');
  const published = random.chance(0.8);
  const tags = new Set<string>();
  for (let n = TAG_COUNT.pick(random); tags.size < n; ) tags.add(TAG_PICKER.pick(random));
  const excerpt = random.chance(0.2) ? sentence(random).slice(0, 280) : null;
  // Published some time after it was started (often at once, sometimes days later); edited later or not.
  const publishedAt = published ? Math.min(until, createdAt + (random.chance(0.4) ? 0 : exponential(random, DAY))) : null;
  const lastChange = publishedAt ?? createdAt;
  const updatedAt = random.chance(0.35) ? Math.min(until, lastChange + exponential(random, 10 * DAY)) : lastChange;
  return {
    title: postTitle,
    body: postBody,
    excerpt,
    status: published ? 'published' : 'draft',
    tags: [...tags],
    createdAt,
    updatedAt,
    publishedAt,
  };
}
